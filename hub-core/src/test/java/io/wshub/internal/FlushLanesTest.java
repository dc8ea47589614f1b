package io.wshub.internal;

import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FlushLanesTest {

    @Test
    void everyTaskFromManyProducersRunsExactlyOnce() throws Exception {
        FlushLanes lanes = new FlushLanes(2, "test-flush-", FlushLanesTest::unexpected);
        try {
            int producers = 4;
            int perProducer = 50_000;
            AtomicInteger ran = new AtomicInteger();
            Runnable task = ran::incrementAndGet;
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        lanes.execute(task);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(10_000);
            }
            await().atMost(HubFixture.WAIT).until(() -> ran.get() == producers * perProducer);
        } finally {
            lanes.shutdown();
        }
    }

    @Test
    void aTaskAlwaysRunsOnTheSameLane() {
        FlushLanes lanes = new FlushLanes(4, "test-flush-", FlushLanesTest::unexpected);
        try {
            Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
            AtomicInteger ran = new AtomicInteger();
            Runnable task = () -> {
                threadsSeen.add(Thread.currentThread().getName());
                ran.incrementAndGet();
            };
            for (int i = 0; i < 1_000; i++) {
                lanes.execute(task);
            }
            await().atMost(HubFixture.WAIT).until(() -> ran.get() == 1_000);
            assertThat(threadsSeen).hasSize(1);
            assertThat(threadsSeen.iterator().next()).startsWith("test-flush-");
        } finally {
            lanes.shutdown();
        }
    }

    @Test
    void whatEscapesATaskIsCountedAndTheLaneGoesOn() {
        List<Throwable> counted = new CopyOnWriteArrayList<>();
        FlushLanes lanes = new FlushLanes(1, "test-flush-", counted::add);
        try {
            AtomicInteger ran = new AtomicInteger();
            lanes.execute(() -> {
                throw new IllegalStateException("a bug in one writer");
            });
            lanes.execute(() -> {
                throw new StackOverflowError("closes nested too deep");
            });
            lanes.execute(ran::incrementAndGet);
            await().atMost(HubFixture.WAIT).until(() -> ran.get() == 1);
            assertThat(counted).extracting(Throwable::getMessage)
                    .containsExactly("a bug in one writer", "closes nested too deep");
        } finally {
            lanes.shutdown();
        }
    }

    @Test
    void aLaneThatHoldsWorkWithoutFinishingATaskIsReportedStalled() throws Exception {
        FlushLanes lanes = new FlushLanes(1, "test-flush-wedged-", FlushLanesTest::unexpected);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            long limit = TimeUnit.SECONDS.toNanos(10);
            assertThat(lanes.stall(System.nanoTime() + 2 * limit, limit)).as("an idle lane is never stalled").isEmpty();
            lanes.execute(() -> {
                entered.countDown();
                awaitQuietly(release);
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(lanes.stall(System.nanoTime(), limit)).as("busy, but not for long").isEmpty();
            assertThat(lanes.stall(System.nanoTime() + 2 * limit, limit))
                    .hasValueSatisfying(why -> assertThat(why).startsWith("test-flush-wedged-1 has had work for"));
            release.countDown();
            AtomicInteger ran = new AtomicInteger();
            lanes.execute(ran::incrementAndGet);
            await().atMost(HubFixture.WAIT).until(() -> ran.get() == 1);
            await().atMost(HubFixture.WAIT).until(() -> lanes.stall(System.nanoTime() + 2 * limit, limit).isEmpty());
        } finally {
            release.countDown();
            lanes.shutdown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void unexpected(Throwable t) {
        throw new AssertionError("no task should fail here", t);
    }

    @Test
    void afterShutdownTasksAreRefusedAndTheThreadsEnd() {
        FlushLanes lanes = new FlushLanes(2, "test-flush-stop-", FlushLanesTest::unexpected);
        lanes.shutdown();
        assertThatThrownBy(() -> lanes.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        await().atMost(HubFixture.WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("test-flush-stop-")));
    }
}
