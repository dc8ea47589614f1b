package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;

/**
 * What Jetty's client calls for one load-test connection. Jetty invokes listener methods only on
 * public classes, so this thin public adapter forwards to the package-private
 * {@link LoadConnection}; it is not an API.
 *
 * <p>It takes raw frames rather than whole text messages: Jetty then skips decoding each message
 * into a String, and the load tool, which only reads the stamp at the start, spends less of the
 * CPU it shares with the server under test. Jetty still answers pings and reports the close.
 */
public final class JettyListener implements Session.Listener.AutoDemanding {

    private final LoadConnection connection;

    JettyListener(LoadConnection connection) {
        this.connection = connection;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection.opened(session);
    }

    @Override
    public void onWebSocketFrame(Frame frame, Callback callback) {
        try {
            forward(connection, frame);
        } finally {
            callback.succeed(); // the payload is read by now
        }
    }

    /** Hands a data frame's payload to the connection; control frames are Jetty's (pongs, the close). */
    static void forward(LoadConnection connection, Frame frame) {
        switch (frame.getType()) {
            case TEXT, BINARY -> connection.frame(frame.getPayload(), true, frame.isFin());
            case CONTINUATION -> connection.frame(frame.getPayload(), false, frame.isFin());
            default -> {
                // Control frames: Jetty answers pings and reports the close itself.
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
