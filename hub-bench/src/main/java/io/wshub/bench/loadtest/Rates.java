package io.wshub.bench.loadtest;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/** The arithmetic of throughput and cost figures, in one place so every scenario agrees. */
final class Rates {

    private Rates() {
    }

    /** Events per second over a window; 0 for an empty window. */
    static double perSecond(long count, long windowNanos) {
        return windowNanos <= 0 ? 0 : count * 1e9 / windowNanos;
    }

    /**
     * CPU milliseconds spent per 1 000 operations: the cost figure printed beside every
     * throughput. Empty when the CPU time is unknown or nothing was done.
     */
    static OptionalDouble cpuMsPerThousand(OptionalLong cpuNanos, long operations) {
        if (cpuNanos.isEmpty() || operations <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(cpuNanos.getAsLong() / 1e6 * 1000.0 / operations);
    }

    /** CPU use as a percentage of one core over a window (200 % is two cores busy). */
    static OptionalDouble cpuPercent(OptionalLong cpuNanos, long windowNanos) {
        if (cpuNanos.isEmpty() || windowNanos <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * cpuNanos.getAsLong() / windowNanos);
    }

    /** Bytes as MiB, when known. */
    static OptionalDouble mib(OptionalLong bytes) {
        return bytes.isPresent() ? OptionalDouble.of(bytes.getAsLong() / (1024.0 * 1024.0)) : OptionalDouble.empty();
    }
}
