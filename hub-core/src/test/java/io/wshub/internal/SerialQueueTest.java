package io.wshub.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialQueueTest {

    @Test
    void tasksFromManyThreadsNeverOverlapAndEachThreadsRunInOrder() throws Exception {
        SerialQueue<Runnable> executor = new SerialQueue<>(Runnable::run);
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
                    executor.offer(() -> {
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
        executor.offer(drained::countDown);
        assertThat(drained.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(overlaps).hasValue(0);
        assertThat(outOfOrder).isEmpty();
        assertThat(lastSeen).containsOnly(perThread);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheTasksBehindIt() {
        SerialQueue<Runnable> executor = new SerialQueue<>(Runnable::run);
        List<String> ran = new ArrayList<>();

        executor.offer(() -> {
            executor.offer(() -> ran.add("queued behind"));
            throw new IllegalStateException("task bug");
        });

        assertThat(ran).containsExactly("queued behind");
    }

    @Test
    void itKnowsWhetherTheCurrentThreadIsConsumingIt() {
        SerialQueue<Runnable> executor = new SerialQueue<>(Runnable::run);
        AtomicBoolean inside = new AtomicBoolean();

        executor.offer(() -> inside.set(executor.isConsumingOnCurrentThread()));

        assertThat(inside).isTrue();
        assertThat(executor.isConsumingOnCurrentThread()).isFalse();
    }

    @Test
    void aHeldQueueKeepsWhatIsOfferedUntilReleasedThenConsumesItInOrder() {
        List<String> consumed = new ArrayList<>();
        SerialQueue<String> queue = new SerialQueue<>(consumed::add, true);

        queue.offer("a");
        queue.offer("b");
        assertThat(consumed).isEmpty();

        queue.release();
        queue.offer("c");
        assertThat(consumed).containsExactly("a", "b", "c");
    }

    @Test
    void anItemOfferedFromInsideTheConsumerIsConsumedAfterItNotNested() {
        List<String> consumed = new ArrayList<>();
        SerialQueue<String>[] self = new SerialQueue[1];
        self[0] = new SerialQueue<>(item -> {
            consumed.add("start " + item);
            if (item.equals("first")) {
                self[0].offer("second");
            }
            consumed.add("end " + item);
        });

        self[0].offer("first");

        assertThat(consumed).containsExactly("start first", "end first", "start second", "end second");
    }
}
