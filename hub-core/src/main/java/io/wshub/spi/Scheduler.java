package io.wshub.spi;

import java.time.Duration;

/**
 * The hub's clock and timer. The default runs on a daemon thread and the system's monotonic
 * clock; tests use hub-testkit's {@code io.wshub.testing.ManualScheduler} so that heartbeats and
 * timeouts happen without waiting for real time.
 */
public interface Scheduler {

    /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs the task once after the delay, on the scheduler's thread. It must be quick. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Stops the scheduler's thread, if it owns one. */
    default void shutdown() {
    }

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run yet; harmless otherwise. */
        void cancel();
    }
}
