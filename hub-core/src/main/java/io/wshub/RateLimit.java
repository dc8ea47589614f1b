package io.wshub;

import io.wshub.internal.Checks;

import java.time.Duration;
import java.util.Objects;

/**
 * A per-session token bucket on inbound messages, and when to give up on a flooding peer.
 *
 * <p>A session may send {@code burst} messages at once and {@code messagesPerSecond} on average.
 * A message over the limit is dropped and answered through {@link HubHandler#onRateLimited}; it
 * takes no token, so a peer that slows down is served again at once. A peer whose messages are
 * refused more than {@code 2 × burst} times within {@code floodWindow} is closed with 1008
 * {@code Rate limit exceeded}.
 *
 * @param messagesPerSecond the refill rate, greater than 0
 * @param burst             the bucket size, at least 1
 * @param floodWindow       the window in which refusals are counted, positive
 */
public record RateLimit(double messagesPerSecond, int burst, Duration floodWindow) {

    /** 100 messages/s, burst 200, flood window 10 s. */
    public static final RateLimit DEFAULT = new RateLimit(100, 200, Duration.ofSeconds(10));

    /** No limit at all: for trusted peers and load tests. */
    public static final RateLimit UNLIMITED = new RateLimit(Double.POSITIVE_INFINITY, Integer.MAX_VALUE, Duration.ofSeconds(10));

    /** Validates every field. */
    public RateLimit {
        Objects.requireNonNull(floodWindow, "floodWindow");
        if (!(messagesPerSecond > 0)) {
            throw new IllegalArgumentException("rateLimit.messagesPerSecond must be > 0, was " + messagesPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("rateLimit.burst must be >= 1, was " + burst);
        }
        Checks.positive("rateLimit.floodWindow", floodWindow);
    }

    /** A limit of {@code messagesPerSecond} with bursts of {@code burst} and the default 10 s flood window. */
    public static RateLimit of(double messagesPerSecond, int burst) {
        return new RateLimit(messagesPerSecond, burst, Duration.ofSeconds(10));
    }

    /** Whether this limit never refuses a message. */
    public boolean isUnlimited() {
        return Double.isInfinite(messagesPerSecond);
    }

    /** Refusals within the flood window beyond which the session is closed: twice the burst. */
    public long floodThreshold() {
        return 2L * burst;
    }
}
