package io.wshub.internal;

/** Monotonic nanoseconds; the scheduler's clock, so tests can move time by hand. */
@FunctionalInterface
interface NanoClock {
    long nanoTime();
}
