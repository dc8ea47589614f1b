package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection of a scenario: keeps its session, tells apart the closes the load tool
 * asked for from those the server chose, and counts errors. Scenarios extend it with what they
 * do with messages. Jetty reaches it through its {@link JettyListener} and calls it one event at
 * a time.
 */
abstract class LoadConnection {

    /** The close code the load tool sends when a run ends. */
    static final int NORMAL_CLOSE = 1000;

    protected final ErrorCounts errors;
    /** Set once in onWebSocketOpen by Jetty's thread; read by the scenario's threads. */
    private volatile Session session;
    /**
     * Open from onWebSocketOpen to onWebSocketClose; written by Jetty's thread, read by any. Kept
     * here because Jetty's {@code Session.isOpen()} takes the session's lock, which the
     * publisher's pacing scan over a thousand subscribers would contend with their I/O threads.
     */
    private volatile boolean open;
    /** Set by the scenario's thread before it closes the connection; read by Jetty's thread. */
    private volatile boolean closing;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Session.Listener listener;
    /** The message being received; only Jetty's thread (one at a time) touches it. */
    private final MessageStampReader reader = new MessageStampReader();
    /** What the last message without a stamp looked like, for the error report; same thread. */
    private String unstamped = "";

    /** How a connection reads its socket. */
    enum Reading {
        /** All the time. */
        ALWAYS,
        /** Nothing from the upgrade on, until {@link #resumeReading()}: a stalled subscriber. */
        HELD,
        /** Until {@link #holdReading()}, then nothing until {@link #resumeReading()}. */
        UNTIL_HELD
    }

    LoadConnection(ErrorCounts errors) {
        this(errors, Reading.ALWAYS);
    }

    LoadConnection(ErrorCounts errors, Reading reading) {
        this.errors = errors;
        this.listener = reading == Reading.ALWAYS ? new JettyListener(this)
                : new HeldListener(this, reading == Reading.UNTIL_HELD);
    }

    /** What to hand Jetty's client when connecting. */
    Session.Listener listener() {
        return listener;
    }

    /** A held connection starts reading (one that reads all the time already does). */
    void resumeReading() {
        if (listener instanceof HeldListener held) {
            held.resume();
        }
    }

    /** Stops reading after the frame being read, when the connection was made to be held. */
    void holdReading() {
        if (listener instanceof HeldListener held) {
            held.hold();
        }
    }

    void opened(Session session) {
        this.session = session;
        open = true;
    }

    /**
     * One data frame, or a piece of one, arrived; the payload is valid only during the call. A
     * message starts with {@code first} and is complete at {@code fin}. Reads the load tool's
     * stamp and hands it to {@link #received}; a scenario whose server sends no stamps (the room
     * server's) overrides this instead.
     */
    void frame(ByteBuffer payload, boolean first, boolean fin) {
        if (first) {
            reader.start();
        }
        reader.append(payload);
        if (fin) {
            MessageStamp stamp = reader.stamp();
            if (stamp == null) {
                unstamped = reader.preview();
            }
            received(stamp);
        }
    }

    /** A whole message arrived carrying this stamp, or null when it carried none. */
    abstract void received(MessageStamp stamp);

    /** How the last message without a stamp looked: its size and first bytes, escaped. */
    protected final String unstamped() {
        return unstamped;
    }

    void closed(int statusCode, String reason) {
        open = false;
        if (!closing) {
            errors.closedByServer(statusCode, reason);
        }
        closed.complete(null);
    }

    /** Jetty reports an error; one before the connection opened is the connector's to count. */
    void failed(Throwable cause) {
        if (!closing && session != null) {
            errors.transportError(cause);
        }
    }

    /** The session, or null before it opened. */
    Session session() {
        return session;
    }

    /** Whether it is open and the load tool has not begun closing it. */
    boolean isOpen() {
        return open && !closing;
    }

    /** Starts a normal close; completes when the close is done (or at once when it never opened). */
    CompletableFuture<Void> close() {
        closing = true;
        Session s = session;
        if (s == null || !s.isOpen()) {
            closed.complete(null);
        } else {
            s.close(NORMAL_CLOSE, "load test done", Callback.NOOP);
        }
        return closed;
    }

    /** Sends a text message, counting a failure unless the connection is being closed. */
    protected final void sendText(String text) {
        Session s = session;
        if (s != null) {
            s.sendText(text, sendCallback);
        }
    }

    private final Callback sendCallback = Callback.from(() -> {
    }, this::sendFailed);

    private void sendFailed(Throwable cause) {
        if (!closing) {
            errors.sendFailed(cause);
        }
    }
}
