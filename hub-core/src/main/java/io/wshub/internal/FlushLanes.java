package io.wshub.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

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
 */
final class FlushLanes implements Executor {

    private final Lane[] lanes;

    FlushLanes(int laneCount, String threadNamePrefix) {
        lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane(threadNamePrefix + (i + 1));
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

    /** One thread and its queue. */
    private static final class Lane implements Runnable {
        private final Thread thread;
        // Guarded by "this".
        private ArrayDeque<Runnable> pending = new ArrayDeque<>();
        private ArrayDeque<Runnable> spare = new ArrayDeque<>();
        private boolean sleeping;
        private boolean stopped;

        Lane(String name) {
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
                    LockSupport.park(this);
                    continue;
                }
                for (Runnable task = batch.pollFirst(); task != null; task = batch.pollFirst()) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        Thread t = Thread.currentThread();
                        t.getUncaughtExceptionHandler().uncaughtException(t, e);
                    }
                }
                synchronized (this) {
                    spare = batch; // empty again: reused, so a lane allocates nothing once grown
                }
            }
        }
    }
}
