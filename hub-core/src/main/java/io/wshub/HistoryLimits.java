package io.wshub;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a history keeps: at most so many messages, so many bytes (of their payloads) and
 * messages no older than so long; whichever bound is reached first drops the oldest. A history
 * that is {@link #OFF} keeps nothing and gives no positions.
 *
 * @param messages most messages kept; 0 only when off
 * @param bytes    most payload bytes kept; 0 only when off
 * @param age      oldest message kept; zero only when off
 */
public record HistoryLimits(int messages, long bytes, Duration age) {

    /** No history at all: no positions, nothing to recover, no memory spent. */
    public static final HistoryLimits OFF = new HistoryLimits(0, 0, Duration.ZERO);

    /**
     * What the room server keeps per room and per inbox: 1 000 messages, 1 MiB and 5 minutes, enough
     * for a client back from a cut of a few minutes in a busy room.
     */
    public static final HistoryLimits DEFAULT = new HistoryLimits(1000, 1024 * 1024, Duration.ofMinutes(5));

    /** Validates: every bound positive, or every one zero ({@link #OFF}). */
    public HistoryLimits {
        Objects.requireNonNull(age, "age");
        boolean off = messages == 0 && bytes == 0 && age.isZero();
        if (!off && (messages <= 0 || bytes <= 0 || age.isNegative() || age.isZero())) {
            throw new IllegalArgumentException("history limits must all be positive, or all 0 to turn it off; were "
                    + messages + " messages, " + bytes + " bytes, " + age);
        }
    }

    /** Limits of so many messages, bytes and age. */
    public static HistoryLimits of(int messages, long bytes, Duration age) {
        return new HistoryLimits(messages, bytes, age);
    }

    /** Whether this history is turned off. */
    public boolean isOff() {
        return messages == 0;
    }
}
