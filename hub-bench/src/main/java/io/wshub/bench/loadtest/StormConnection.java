package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection attempt of a storm client, from the upgrade to the close: it answers the
 * server's welcome with the client's {@code join_room}, marks the client back when the
 * {@code room_joined} arrives, counts every message, and tells its {@link StormClient} exactly
 * once when it ended (the attempt failed, or the open connection closed) so the client can try
 * again. A new attempt gets a new object, so nothing of an old connection leaks into the next.
 *
 * <p>The room server writes {@code type} first in every message ({@code {"type":"welcome",…}}),
 * so the type is read from the first bytes without parsing JSON.
 */
final class StormConnection extends LoadConnection {

    /** What the first bytes of a room-server message say it is. */
    enum Type {
        WELCOME, ROOM_JOINED, OTHER;

        private static final byte[] WELCOME_HEAD = "{\"type\":\"welcome\"".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] ROOM_JOINED_HEAD = "{\"type\":\"room_joined\"".getBytes(StandardCharsets.US_ASCII);
        /** Bytes of a message's start that tell the types apart. */
        static final int HEAD_BYTES = Math.max(WELCOME_HEAD.length, ROOM_JOINED_HEAD.length);

        /** The type of a message whose first {@code length} bytes are in {@code head}. */
        static Type of(byte[] head, int length) {
            if (startsWith(head, length, WELCOME_HEAD)) {
                return WELCOME;
            }
            return startsWith(head, length, ROOM_JOINED_HEAD) ? ROOM_JOINED : OTHER;
        }

        private static boolean startsWith(byte[] head, int length, byte[] prefix) {
            return length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
        }
    }

    private static final int CONNECTING = 0;
    private static final int OPEN = 1;
    private static final int FAILED = 2;

    private final StormClient client;
    private final StormTally tally;
    /** CONNECTING until the upgrade succeeds (OPEN) or the attempt is given up on (FAILED); either wins once. */
    private final AtomicInteger state = new AtomicInteger(CONNECTING);
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Set by the scenario's thread when the run ends; read by Jetty's. */
    private volatile boolean stopping;
    /** An attempt given up on that opened all the same: closed again, its close counted nowhere. */
    private volatile boolean abandoned;
    /** Welcomed and joined: written by Jetty's thread, read at the close (same thread) and by the scenario's. */
    private volatile boolean back;

    // The message being received and the welcome: only Jetty's thread (one event at a time) touches them.
    private final byte[] head = new byte[Type.HEAD_BYTES];
    private int filled;
    private boolean welcomed;

    StormConnection(StormClient client, StormTally tally, ErrorCounts errors) {
        super(errors);
        this.client = client;
        this.tally = tally;
    }

    /** The phase this attempt is counted in. */
    StormTally tally() {
        return tally;
    }

    @Override
    void opened(Session session) {
        super.opened(session);
        if (stopping || !state.compareAndSet(CONNECTING, OPEN)) {
            // The run ended, or the attempt timed out just as it opened: close it, quietly.
            abandoned = true;
            super.close();
            return;
        }
        tally.upgraded();
    }

    /**
     * A data frame or a piece of one; the payload is valid only during the call. Only the first
     * bytes are looked at until the client is back, and afterwards messages are just counted,
     * keeping the load tool's share of the machine small while the server floods its clients.
     */
    @Override
    void frame(ByteBuffer payload, boolean first, boolean fin) {
        if (back) {
            if (fin) {
                tally.message();
            }
            return;
        }
        if (first) {
            filled = 0;
        }
        if (payload != null) {
            int take = Math.min(payload.remaining(), head.length - filled);
            payload.get(payload.position(), head, filled, take);
            filled += take;
        }
        if (fin) {
            tally.message();
            message(Type.of(head, filled));
        }
    }

    private void message(Type type) {
        if (type == Type.WELCOME && !welcomed) {
            welcomed = true;
            sendText(client.joinMessage());
        } else if (type == Type.ROOM_JOINED && welcomed && !back && !abandoned) {
            back = true;
            client.back(tally);
        }
    }

    @Override
    void received(MessageStamp stamp) {
        // Never called: frame() is overridden, so no stamp is ever read.
        errors.badFrame("a storm connection got a stamped message: " + stamp);
    }

    @Override
    void closed(int statusCode, String reason) {
        super.closed(statusCode, reason);
        if (state.get() != OPEN) {
            return; // it never opened for this attempt: the failed attempt ends it
        }
        boolean wasBack = back;
        if (!abandoned && !stopping) {
            tally.closed(statusCode, reason, wasBack);
        }
        end(wasBack);
    }

    /** The attempt's future failed: refused, answered with an error status, or out of time. */
    void connectFailed(Throwable cause) {
        if (stopping) {
            return;
        }
        tally.failed(cause);
        errors.connectFailed(cause);
        if (state.compareAndSet(CONNECTING, FAILED)) {
            end(false);
        } else {
            // It opened as it timed out; closing it ends it through closed().
            abandoned = true;
            super.close();
        }
    }

    /** Whether the client is back on this connection. */
    boolean isBack() {
        return back;
    }

    /** The run ends: no more reconnects, and a close that is not counted against the server. */
    @Override
    CompletableFuture<Void> close() {
        stopping = true;
        return super.close();
    }

    private void end(boolean wasBack) {
        if (ended.compareAndSet(false, true)) {
            client.ended(tally, wasBack);
        }
    }
}
