package io.wshub.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The hub's default flush executor: one daemon thread per lane, one lane per core. A fan-out
 * hands each idle recipient's writer here; a writer always lands on the same lane (by identity),
 * so its session's writes stay on one core.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: its queue allocates a node per task and wakes a
 * thread per task. A broadcast to 1 000 sessions would allocate 1 000 nodes and unpark threads
 * hundreds of times. Here a lane's queue is an {@link ArrayDeque} that grows once and is reused
 * (tasks are the writers' own preallocated runnables), the lane thread takes the whole queue at
 * once, and a producer wakes a lane only when it sleeps.
 *
 * <p>A lane never dies: whatever a task throws is counted, logged and left behind, and the lane
 * goes on with the next task (a dead lane would silently stop every session mapped to it). Each
 * lane also says when it last made progress, so {@link #stall} can tell a wedged lane from a busy one.
 */
final class FlushLanes implements Executor {

    private static final Logger log = LoggerFactory.getLogger(FlushLanes.class);
    /** Failures logged with their stack trace; after these, one line per {@link #LOG_EVERY}. */
    private static final int LOGGED_IN_FULL = 10;
    private static final int LOG_EVERY = 1000;

    private final Lane[] lanes;
    private final Consumer<Throwable> failures;

    /** @param failures counts what escaped a task; called on the lane's thread, must not throw */
    FlushLanes(int laneCount, String threadNamePrefix, Consumer<Throwable> failures) {
        this.failures = failures;
        lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane(threadNamePrefix + (i + 1), this);
        }
    }

    /**
     * Queues the task on its lane.
     *
     * @throws RejectedExecutionException once shut down (the writer then flushes on its own thread)
     */
    @Override
    public void execute(Runnable task) {
        lanes[Math.floorMod(System.identityHashCode(task), lanes.length)].add(task);
    }

    /** Stops the lane threads after they finish what is queued. */
    void shutdown() {
        for (Lane lane : lanes) {
            lane.stop();
        }
    }

    /**
     * Why the lanes are not making progress, if they are not: a lane that has had work for
     * {@code limitNanos} without finishing a task.
     *
     * @param nowNanos {@link System#nanoTime()}
     */
    Optional<String> stall(long nowNanos, long limitNanos) {
        for (Lane lane : lanes) {
            long since = nowNanos - lane.progressNanos;
            if (lane.busy && since > limitNanos) {
                return Optional.of(lane.thread.getName() + " has had work for " + since / 1_000_000 + " ms without finishing a task");
            }
        }
        return Optional.empty();
    }

    private void taskFailed(Throwable t, long failuresSoFar) {
        try {
            failures.accept(t);
        } catch (RuntimeException ignored) {
            // counting must never take the lane down either
        }
        if (failuresSoFar <= LOGGED_IN_FULL) {
            log.error("a flush task failed on {}; the lane goes on", Thread.currentThread().getName(), t);
        } else if (failuresSoFar % LOG_EVERY == 0) {
            log.error("{} flush tasks have failed on {}; the latest: {}", failuresSoFar, Thread.currentThread().getName(), t.toString());
        }
    }

    /** One thread and its queue. */
    private static final class Lane implements Runnable {
        private final Thread thread;
        private final FlushLanes owner;
        // Guarded by "this".
        private ArrayDeque<Runnable> pending = new ArrayDeque<>();
        private ArrayDeque<Runnable> spare = new ArrayDeque<>();
        private boolean sleeping;
        private boolean stopped;
        // Written by the lane's thread only, read by health checks.
        /** Working on a batch of tasks. */
        private volatile boolean busy;
        /** When the lane last started a batch or finished a task, in {@link System#nanoTime()}. */
        private volatile long progressNanos = System.nanoTime();
        /** Tasks that threw; the lane's thread only. */
        private long failed;

        Lane(String name, FlushLanes owner) {
            this.owner = owner;
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        void add(Runnable task) {
            boolean wake;
            synchronized (this) {
                if (stopped) {
                    throw new RejectedExecutionException("flush lanes are shut down");
                }
                pending.addLast(task);
                wake = sleeping;
                sleeping = false;
            }
            if (wake) {
                LockSupport.unpark(thread);
            }
        }

        void stop() {
            synchronized (this) {
                stopped = true;
            }
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            for (;;) {
                ArrayDeque<Runnable> batch = null;
                synchronized (this) {
                    if (!pending.isEmpty()) {
                        batch = pending;
                        pending = spare;
                        spare = null;
                    } else if (stopped) {
                        return;
                    } else {
                        sleeping = true; // a producer that sees this unparks us; the permit survives until park
                    }
                }
                if (batch == null) {
                    busy = false;
                    LockSupport.park(this);
                    continue;
                }
                progressNanos = System.nanoTime();
                busy = true;
                for (Runnable task = batch.pollFirst(); task != null; task = batch.pollFirst()) {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        owner.taskFailed(e, ++failed);
                    }
                    progressNanos = System.nanoTime();
                }
                synchronized (this) {
                    spare = batch; // empty again: reused, so a lane allocates nothing once grown
                }
            }
        }
    }
}
