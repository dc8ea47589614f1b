package io.wshub.internal;

import io.wshub.ErrorKind;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.HubStats;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reconnect storm on the in-memory transport, with the hub's real timer and flush threads:
 * 2 000 room clients in 100 rooms, one in ten never reading, are all cut off at once and come
 * straight back (no jitter) from four threads, each healthy one sending a room message as soon as
 * it is back. Presence is on: every arrival is announced to every session. The stalled readers
 * overflow inside room fan-outs and are closed in cascade, while other threads fan out through the
 * same rooms in other orders: the shape that used to overflow stacks and deadlock.
 */
class ReconnectStormTest {

    private static final int CLIENTS = 2_000;
    private static final int ROOMS = 100;
    private static final int THREADS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** One in ten, two in every room. */
    private static boolean stalled(int i) {
        return (i / ROOMS) % 10 == 0;
    }

    private static String room(int i) {
        return "r" + (i % ROOMS);
    }

    @Test
    void everyHealthyClientComesBackAndNoneIsTakenForASlowConsumer() throws Exception {
        HubOptions options = HubOptions.builder()
                .rateLimit(RateLimit.UNLIMITED)
                .maxQueuedMessages(8) // small, so the stalled readers overflow early and often
                .overflowPolicy(OverflowPolicy.DISCONNECT)
                .shutdownGrace(Duration.ofSeconds(2))
                .build();
        Hub hub = Hub.builder().options(options).handler(RoomProtocol.router().build()).build();
        InMemoryTransport transport = new InMemoryTransport(hub.acceptor());
        AtomicReferenceArray<InMemoryClient> current = new AtomicReferenceArray<>(CLIENTS);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
        Future<?> watchdog = threads.submit(() -> watchForDeadlocks(hub, problems));
        try {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            runOnEveryThread(threads, i -> current.set(i, connectAndJoin(transport, i, deadline, false)));

            // The storm: every connection cut at once, every client straight back.
            runOnEveryThread(threads, i -> {
                InMemoryClient before = current.get(i);
                if (!stalled(i) && before.isClosed()) {
                    problems.add("u" + i + " was closed by the server before the storm: " + before.awaitClose(Duration.ZERO));
                }
                before.abort();
                current.set(i, connectAndJoin(transport, i, deadline, true));
            });

            for (int i = 0; i < CLIENTS; i++) {
                if (stalled(i)) {
                    continue;
                }
                InMemoryClient c = current.get(i);
                Session s = hub.session("u" + i).orElse(null);
                if (c.isClosed() || s == null) {
                    problems.add("u" + i + " is not back: " + (c.isClosed() ? "closed " + c.awaitClose(Duration.ZERO) : "no session"));
                } else if (!hub.rooms().isMember(s, room(i))) {
                    problems.add("u" + i + " is back but not in " + room(i));
                }
            }
            HubStats stats = hub.stats();
            assertThat(problems).isEmpty();
            assertThat(stats.errors(ErrorKind.INTERNAL)).isZero();
            assertThat(stats.slowConsumerDisconnects()).as("only the stalled readers")
                    .isPositive().isLessThanOrEqualTo(2L * CLIENTS / 10);
            assertThat(stats.isStalled()).isFalse();
        } finally {
            watchdog.cancel(true);
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            // Graceful shutdown, stalled readers included, ends within its grace (plus the settle).
            hub.shutdown(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
        assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads()).isNull();
    }

    /** Connects as {@code u<i>} (retrying while the old session of that id is still ending) and joins its room. */
    private static InMemoryClient connectAndJoin(InMemoryTransport transport, int i, long deadline, boolean sendAfterJoin) {
        for (;;) {
            try {
                InMemoryClient c = transport.connect("u" + i);
                if (stalled(i)) {
                    c.pauseReading();
                } else {
                    c.discardMessages(); // counted, not kept: the storm is millions of messages
                }
                c.sendText("{\"type\":\"join_room\",\"room\":\"" + room(i) + "\"}");
                if (sendAfterJoin && !stalled(i)) {
                    c.sendText("{\"type\":\"room_message\",\"room\":\"" + room(i) + "\",\"content\":\"back\"}");
                }
                return c;
            } catch (UpgradeRefusedException e) {
                if (e.status() != 409 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait(); // the old session of this id has not finished ending: again, at once
            }
        }
    }

    /** Runs the body for every client index, spread over the pool's threads, and rethrows what any threw. */
    private static void runOnEveryThread(ExecutorService threads, IntBody body) throws Exception {
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            parts.add(threads.submit(() -> {
                for (int i = first; i < CLIENTS; i += THREADS) {
                    body.run(i);
                }
                return null;
            }));
        }
        for (Future<?> part : parts) {
            part.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static void watchForDeadlocks(Hub hub, ConcurrentLinkedQueue<String> problems) {
        while (!Thread.currentThread().isInterrupted()) {
            long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
            if (deadlocked != null) {
                problems.add(deadlocked.length + " threads deadlocked");
                return;
            }
            if (hub.stats().isStalled()) {
                problems.add("hub stalled: " + hub.stats().stall());
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100); // a sampling period, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @FunctionalInterface
    private interface IntBody {
        void run(int i);
    }
}
