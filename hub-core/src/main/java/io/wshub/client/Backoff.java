package io.wshub.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: after the n-th failure in a row the wait is drawn uniformly
 * from [0, min(max, initial × 2<sup>n-1</sup>)). Not thread-safe: the client's serial executor
 * confines it.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier jitter; // uniform in [0, 1)
    private int failures;

    Backoff(Duration initial, Duration max, DoubleSupplier jitter) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
    }

    /** The ceiling of the next wait. */
    Duration ceiling() {
        return Duration.ofNanos(ceilingNanos());
    }

    /** Counts a failure and returns the wait before the next attempt. */
    Duration next() {
        long ceiling = ceilingNanos();
        failures++;
        double fraction = Math.min(Math.max(jitter.getAsDouble(), 0.0), 1.0);
        return Duration.ofNanos((long) (fraction * ceiling));
    }

    /** Starts again from the initial ceiling, after a connection proved stable. */
    void reset() {
        failures = 0;
    }

    private long ceilingNanos() {
        // initial << failures overflows once the shift reaches the leading zeros; max has long been reached by then.
        if (failures >= Long.numberOfLeadingZeros(initialNanos) - 1) {
            return maxNanos;
        }
        return Math.min(maxNanos, initialNanos << failures);
    }
}
