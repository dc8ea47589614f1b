package io.wshub.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FlushLanesTest {

    @Test
    void everyTaskFromManyProducersRunsExactlyOnce() throws Exception {
        FlushLanes lanes = new FlushLanes(2, "test-flush-");
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
            await().atMost(TestHub.WAIT).until(() -> ran.get() == producers * perProducer);
        } finally {
            lanes.shutdown();
        }
    }

    @Test
    void aTaskAlwaysRunsOnTheSameLane() {
        FlushLanes lanes = new FlushLanes(4, "test-flush-");
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
            await().atMost(TestHub.WAIT).until(() -> ran.get() == 1_000);
            assertThat(threadsSeen).hasSize(1);
            assertThat(threadsSeen.iterator().next()).startsWith("test-flush-");
        } finally {
            lanes.shutdown();
        }
    }

    @Test
    void aFailingTaskDoesNotStopItsLane() {
        FlushLanes lanes = new FlushLanes(1, "test-flush-");
        try {
            AtomicInteger ran = new AtomicInteger();
            Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
            lanes.execute(() -> {
                Thread.currentThread().setUncaughtExceptionHandler(quiet);
                throw new IllegalStateException("a bug in one writer");
            });
            lanes.execute(ran::incrementAndGet);
            await().atMost(TestHub.WAIT).until(() -> ran.get() == 1);
        } finally {
            lanes.shutdown();
        }
    }

    @Test
    void afterShutdownTasksAreRefusedAndTheThreadsEnd() {
        FlushLanes lanes = new FlushLanes(2, "test-flush-stop-");
        lanes.shutdown();
        assertThatThrownBy(() -> lanes.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        await().atMost(TestHub.WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("test-flush-stop-")));
    }
}
