package io.wshub.internal;

import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.HubStats;
import io.wshub.RateLimit;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import io.wshub.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eight threads broadcast and send room messages to 1 000 sessions while others join, leave,
 * close and drop connections; writes run on the hub's real flush threads. Every message must
 * reach every session that was a member throughout, in each sender's order.
 */
class HubConcurrencyTest {

    private static final int STABLE_SESSIONS = 1_000;
    private static final int ROOM_MEMBERS = 500;
    private static final int SENDERS = 8;
    private static final int MESSAGES_PER_SENDER = 200; // half broadcasts, half room messages
    private static final int CHURNERS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void concurrentFanOutAndMembershipChurnLoseNothingAndKeepEachSendersOrder() throws Exception {
        HubOptions options = HubOptions.builder()
                .rateLimit(RateLimit.UNLIMITED)
                .maxQueuedMessages(100_000)
                .maxQueuedBytes(256L * 1024 * 1024)
                .maxConnections(100_000)
                .build();
        Hub hub = Hub.builder().options(options).handler(new HubHandler() {
        }).scheduler(new ManualScheduler()).build(); // the default flush pool: real threads
        InMemoryTransport transport = new InMemoryTransport(hub.acceptor());
        List<InMemoryClient> stable = new ArrayList<>();
        for (int i = 0; i < STABLE_SESSIONS; i++) {
            InMemoryClient c = transport.connect("s" + i);
            stable.add(c);
            if (i < ROOM_MEMBERS) {
                hub.rooms().join(hub.session("s" + i).orElseThrow(), "r");
            }
        }

        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(SENDERS + CHURNERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
                    if (i % 2 == 0) {
                        hub.broadcast(Message.text("b|" + sender + "|" + i));
                    } else {
                        hub.rooms().broadcast("r", Message.text("r|" + sender + "|" + i), null);
                    }
                }
                return null;
            }));
        }
        List<Future<?>> churners = new ArrayList<>();
        for (int c = 0; c < CHURNERS; c++) {
            int churner = c;
            churners.add(threads.submit(() -> {
                go.await();
                int n = 0;
                while (sending.get()) {
                    InMemoryClient temp = transport.connect("churn-" + churner + "-" + n);
                    var session = hub.session("churn-" + churner + "-" + n).orElseThrow();
                    hub.rooms().join(session, "r");
                    hub.rooms().join(session, "other-" + churner);
                    hub.rooms().leave(session, "r");
                    hub.rooms().join(session, "r");
                    if (n % 2 == 0) {
                        temp.close();
                    } else {
                        temp.abort();
                    }
                    n++;
                }
                return null;
            }));
        }
        go.countDown();
        try {
            for (Future<?> f : senders) {
                collect(f, failures);
            }
        } finally {
            sending.set(false);
        }
        for (Future<?> f : churners) {
            collect(f, failures);
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();

        List<List<String>> received = new ArrayList<>();
        for (int i = 0; i < STABLE_SESSIONS; i++) {
            received.add(new ArrayList<>());
        }
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> {
            boolean all = true;
            for (int i = 0; i < STABLE_SESSIONS; i++) {
                List<String> texts = received.get(i);
                stable.get(i).drain().forEach(m -> texts.add(m.text()));
                all &= texts.size() >= expectedFor(i);
            }
            return all;
        });
        for (int i = 0; i < STABLE_SESSIONS; i++) {
            assertThat(received.get(i)).as("session s%d", i).hasSize(expectedFor(i));
            assertInSendersOrder(received.get(i), i < ROOM_MEMBERS);
        }

        HubStats stats = hub.stats();
        assertThat(stats.slowConsumerDisconnects()).isZero();
        assertThat(stats.errors(ErrorKind.HANDLER)).isZero();
        assertThat(hub.rooms().members("r")).hasSize(ROOM_MEMBERS);
        assertThat(hub.sessionCount()).isEqualTo(STABLE_SESSIONS);
        hub.shutdown(Duration.ZERO);
    }

    private static int expectedFor(int session) {
        int broadcasts = SENDERS * MESSAGES_PER_SENDER / 2;
        int roomMessages = SENDERS * MESSAGES_PER_SENDER / 2;
        return broadcasts + (session < ROOM_MEMBERS ? roomMessages : 0);
    }

    /** Each sender's broadcasts, and its room messages, arrive complete and in the order sent. */
    private static void assertInSendersOrder(List<String> texts, boolean member) {
        Map<String, Integer> next = new HashMap<>();
        for (String text : texts) {
            String[] parts = text.split("\\|");
            String stream = parts[0] + parts[1];
            int seq = Integer.parseInt(parts[2]);
            int expected = next.getOrDefault(stream, parts[0].equals("b") ? 0 : 1);
            assertThat(seq).as("next of %s", stream).isEqualTo(expected);
            next.put(stream, seq + 2);
        }
        for (int s = 0; s < SENDERS; s++) {
            assertThat(next.get("b" + s)).isEqualTo(MESSAGES_PER_SENDER);
            if (member) {
                assertThat(next.get("r" + s)).isEqualTo(MESSAGES_PER_SENDER + 1);
            }
        }
    }

    private static void collect(Future<?> f, ConcurrentLinkedQueue<Throwable> failures) throws InterruptedException {
        try {
            f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            failures.add(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            failures.add(e);
        }
    }
}
