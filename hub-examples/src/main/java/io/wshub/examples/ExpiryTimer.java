package io.wshub.examples;

import io.wshub.spi.Scheduler;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The timer of the token expiry checks: one daemon thread for the server, stopped with it. */
final class ExpiryTimer implements Scheduler, AutoCloseable {

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "wshub-token-expiry");
        t.setDaemon(true);
        return t;
    });

    ExpiryTimer() {
        executor.setRemoveOnCancelPolicy(true); // a closed session's check must not wait in the queue until its expiry
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
