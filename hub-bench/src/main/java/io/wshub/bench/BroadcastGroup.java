package io.wshub.bench;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The open sessions of {@code /broadcast} and the hand-written fan-out over them: a loop on the
 * sender's thread with one send per recipient. Thread-safe.
 */
final class BroadcastGroup {

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final LongAdder sendFailures = new LongAdder();
    private final Callback countFailures = Callback.from(() -> {
    }, failure -> sendFailures.increment());

    void join(Session session) {
        sessions.add(session);
    }

    void leave(Session session) {
        sessions.remove(session);
    }

    int size() {
        return sessions.size();
    }

    /** Sends that failed (mostly to sessions that closed meanwhile). */
    long sendFailures() {
        return sendFailures.sum();
    }

    /** Sends the text to every open session except the sender; Jetty encodes it for each. */
    void relayText(Session sender, String text) {
        for (Session session : sessions) {
            if (session != sender && session.isOpen()) {
                session.sendText(text, countFailures);
            }
        }
    }

    /**
     * Sends the bytes to every open session except the sender. A send consumes its buffer (Jetty
     * 12.1.4+), so each recipient gets its own view of one read-only copy.
     */
    void relayBinary(Session sender, ByteBuffer payload) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip().asReadOnlyBuffer();
        for (Session session : sessions) {
            if (session != sender && session.isOpen()) {
                session.sendBinary(copy.duplicate(), countFailures);
            }
        }
    }
}
