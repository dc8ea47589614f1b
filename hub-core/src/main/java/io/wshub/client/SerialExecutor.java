package io.wshub.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in the order they were submitted, on the threads that submit them: the
 * first submitter to find it idle runs every task queued until it is idle again; the others
 * return at once. So a client's state needs no lock (it is touched only by these tasks), a
 * transport callback never waits for a lock, and nothing runs twice at once.
 */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    /** The executor whose tasks this thread is running now, if any (executors may nest). */
    private static final ThreadLocal<SerialExecutor> RUNNING = new ThreadLocal<>();

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    // Tasks submitted and not yet finished; the thread that raises it from 0 runs them.
    private final AtomicInteger pending = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            drain();
        }
    }

    /** Whether the current thread is running one of this executor's tasks. */
    boolean isRunningOnCurrentThread() {
        return RUNNING.get() == this;
    }

    private void drain() {
        SerialExecutor outer = RUNNING.get();
        RUNNING.set(this);
        try {
            do {
                Runnable task = tasks.poll();
                try {
                    task.run();
                } catch (RuntimeException | Error e) { // one broken task must not stop the ones behind it
                    log.error("client task failed", e);
                }
            } while (pending.decrementAndGet() != 0);
        } finally {
            RUNNING.set(outer);
        }
    }
}
