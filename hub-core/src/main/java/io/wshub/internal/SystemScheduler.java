package io.wshub.internal;

import io.wshub.spi.Scheduler;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The default {@link Scheduler}: one daemon thread and {@link System#nanoTime()}. */
final class SystemScheduler implements Scheduler {

    private final ScheduledThreadPoolExecutor timer;

    SystemScheduler(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> f;
        try {
            f = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shut down: the hub has finished (its last session may close while shutdown() is
            // still scheduling), so no timer matters any more.
            return () -> { };
        }
        return () -> f.cancel(false);
    }

    @Override
    public void shutdown() {
        timer.shutdown(); // not shutdownNow: it may be called from the timer thread itself
    }
}
