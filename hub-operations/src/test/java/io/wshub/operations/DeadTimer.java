package io.wshub.operations;

import io.wshub.spi.Scheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A hub's timer whose clock the test moves and whose thread never runs anything: a stalled hub. */
final class DeadTimer implements Scheduler {

    private final AtomicLong clock = new AtomicLong(System.nanoTime());

    /** Moves the clock on, so the hub sees its timer has not ticked for that long. */
    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Override
    public long nanoTime() {
        return clock.get();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        return () -> { };
    }
}
