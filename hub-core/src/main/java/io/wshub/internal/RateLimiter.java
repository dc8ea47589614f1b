package io.wshub.internal;

import io.wshub.RateLimit;

/**
 * A session's inbound token bucket and flood detector. Used only from the session's inbound
 * callbacks, which never overlap and are ordered by the transport, so it needs no lock.
 */
final class RateLimiter {

    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private final RateLimit limit;
    private final long floodWindowNanos;
    private double tokens;
    private long lastRefillNanos;
    private long windowStartNanos;
    private long refusalsInWindow;

    RateLimiter(RateLimit limit, long nowNanos) {
        this.limit = limit;
        this.floodWindowNanos = limit.floodWindow().toNanos();
        this.tokens = limit.burst();
        this.lastRefillNanos = nowNanos;
    }

    /** Takes a token for one message; false if the bucket is empty (the message takes none). */
    boolean tryAcquire(long nowNanos) {
        if (limit.isUnlimited()) {
            return true;
        }
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed / NANOS_PER_SECOND * limit.messagesPerSecond());
            lastRefillNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /**
     * Counts a refused message.
     *
     * @return true when refusals within the flood window now exceed twice the burst
     */
    boolean refusedIsFlood(long nowNanos) {
        if (refusalsInWindow == 0 || nowNanos - windowStartNanos > floodWindowNanos) {
            windowStartNanos = nowNanos;
            refusalsInWindow = 0;
        }
        refusalsInWindow++;
        return refusalsInWindow > limit.floodThreshold();
    }
}
