package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;

/**
 * What Jetty's client calls for a connection that stops reading: it asks Jetty for nothing after
 * the upgrade, so Jetty reads nothing from the socket, the kernel's buffers fill and TCP pushes back
 * on the server — a subscriber that stalled, as a frozen tab or a dead phone does. It may read for a
 * while first (to join a room) and {@link #hold} then; {@link #resume} reads again, one frame per demand. Like {@link JettyListener}, a public adapter only because Jetty
 * invokes listener methods on public classes; not an API.
 */
public final class HeldListener implements Session.Listener {

    private final LoadConnection connection;
    /** Set once on Jetty's thread at open; read by the scenario's thread to resume. */
    private volatile Session session;
    /** Set by the scenario's thread; read by Jetty's after each frame. */
    private volatile boolean reading;

    /** @param readingAtOpen whether it reads from the upgrade on, until {@link #hold()} */
    HeldListener(LoadConnection connection, boolean readingAtOpen) {
        this.connection = connection;
        this.reading = readingAtOpen;
    }

    /** Stops reading after the frame being read; called on Jetty's thread, from that frame. */
    void hold() {
        reading = false;
    }

    /** Starts reading again, and keeps reading; called while nothing is being read. */
    void resume() {
        reading = true;
        Session s = session;
        if (s != null) {
            s.demand();
        }
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        connection.opened(session);
        if (reading) {
            session.demand();
        }
    }

    @Override
    public void onWebSocketFrame(Frame frame, Callback callback) {
        try {
            JettyListener.forward(connection, frame);
        } finally {
            callback.succeed();
            if (reading) {
                session.demand();
            }
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        connection.closed(statusCode, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        connection.failed(cause);
    }
}
