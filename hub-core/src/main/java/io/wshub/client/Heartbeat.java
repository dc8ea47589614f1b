package io.wshub.client;

/**
 * When to ping and when a connection counts as dead: a ping every interval, and death after the
 * timeout passes without any inbound frame (pongs included). Pure arithmetic on the caller's clock;
 * the client's serial executor confines it.
 */
final class Heartbeat {

    /** What a tick should do. */
    enum Action {
        /** Nothing is due. */
        NONE,
        /** Send a ping now. */
        PING,
        /** The peer has been silent past the timeout. */
        DEAD
    }

    private final long intervalNanos;
    private final long timeoutNanos;
    private long lastInbound;
    private long lastPing;

    Heartbeat(long intervalNanos, long timeoutNanos, long now) {
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
        this.lastInbound = now;
        this.lastPing = now;
    }

    /** Something arrived from the peer (or we stopped reading, and its silence is ours). */
    void heard(long now) {
        lastInbound = now;
    }

    /** Decides what is due now; a {@link Action#PING} counts as sent. */
    Action tick(long now) {
        if (now - lastInbound >= timeoutNanos) {
            return Action.DEAD;
        }
        if (now - lastPing >= intervalNanos) {
            lastPing = now;
            return Action.PING;
        }
        return Action.NONE;
    }

    /** How long until the next tick: the next ping or the deadline, whichever is first. */
    long nanosUntilNextTick(long now) {
        long nextPing = lastPing + intervalNanos;
        long deadline = lastInbound + timeoutNanos;
        return Math.max(0, Math.min(nextPing, deadline) - now);
    }
}
