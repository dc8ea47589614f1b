package io.wshub.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {

    @Test
    void tasksFromManyThreadsNeverOverlapAndEachThreadsRunInOrder() throws Exception {
        SerialExecutor executor = new SerialExecutor();
        int threads = 8;
        int perThread = 5_000;
        AtomicBoolean running = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        int[] lastSeen = new int[threads]; // confined to the executor's tasks
        List<String> outOfOrder = new ArrayList<>(); // confined to the executor's tasks
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 1; i <= perThread; i++) {
                    int n = i;
                    executor.execute(() -> {
                        if (!running.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        if (lastSeen[thread] != n - 1) {
                            outOfOrder.add(thread + ":" + n);
                        }
                        lastSeen[thread] = n;
                        running.set(false);
                    });
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        CountDownLatch drained = new CountDownLatch(1);
        executor.execute(drained::countDown);
        assertThat(drained.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(overlaps).hasValue(0);
        assertThat(outOfOrder).isEmpty();
        assertThat(lastSeen).containsOnly(perThread);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheTasksBehindIt() {
        SerialExecutor executor = new SerialExecutor();
        List<String> ran = new ArrayList<>();

        executor.execute(() -> {
            executor.execute(() -> ran.add("queued behind"));
            throw new IllegalStateException("task bug");
        });

        assertThat(ran).containsExactly("queued behind");
    }

    @Test
    void itKnowsWhetherTheCurrentThreadIsRunningOneOfItsTasks() {
        SerialExecutor executor = new SerialExecutor();
        AtomicBoolean inside = new AtomicBoolean();

        executor.execute(() -> inside.set(executor.isRunningOnCurrentThread()));

        assertThat(inside).isTrue();
        assertThat(executor.isRunningOnCurrentThread()).isFalse();
    }
}
