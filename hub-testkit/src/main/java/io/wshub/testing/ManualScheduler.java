package io.wshub.testing;

import io.wshub.spi.Scheduler;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock moves only when a test calls {@link #advance}: heartbeats,
 * write timeouts and rate limits become deterministic and instant. Tasks due within an advance
 * run on the advancing thread, in time order, with the clock set to each task's time.
 */
public final class ManualScheduler implements Scheduler {

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    // Guarded by "this".
    private long now = 1_000_000_000L; // an arbitrary non-zero start, as System.nanoTime() has
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Task t = new Task(now + Math.max(0, delay.toNanos()), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (ManualScheduler.this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves the clock forward, running every task that falls due on the way. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueNanos > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.dueNanos);
            }
            next.task.run();
        }
    }

    /** How many tasks wait to run. */
    public synchronized int pendingTasks() {
        return tasks.size();
    }

    private record Task(long dueNanos, long sequence, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int byTime = Long.compare(dueNanos, o.dueNanos);
            return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
        }
    }
}
