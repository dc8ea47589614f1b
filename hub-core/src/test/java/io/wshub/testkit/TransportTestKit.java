package io.wshub.testkit;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.SendCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The promises of the transport SPI ({@link io.wshub.spi.Connection}), checked against a real
 * transport. Every transport's tests extend this class and say how to start its server; the
 * in-memory transport and the Jetty adapter both pass it.
 */
public abstract class TransportTestKit {

    protected static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long "nothing more happens" is watched for; long enough for a transport to misbehave. */
    protected static final Duration QUIET = Duration.ofMillis(300);

    protected RecordingAcceptor acceptor;
    protected KitServer server;
    private final List<KitClient> clients = new ArrayList<>();

    /** Starts the transport's server on an ephemeral port, feeding the acceptor. */
    protected abstract KitServer startServer(ConnectionAcceptor acceptor) throws Exception;

    @BeforeEach
    void startTransport() throws Exception {
        acceptor = new RecordingAcceptor();
        server = startServer(acceptor);
    }

    @AfterEach
    void stopTransport() throws Exception {
        for (KitClient c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the test may have closed it already
            }
        }
        server.close();
    }

    protected KitClient connect() throws Exception {
        return connect(Map.of(), Map.of());
    }

    protected KitClient connect(Map<String, String> headers, Map<String, String> query) throws Exception {
        KitClient c = server.connect(headers, query);
        clients.add(c);
        return c;
    }

    private RecordingListener listener(int index) {
        await().atMost(TIMEOUT).until(() -> acceptor.listeners().size() > index);
        return acceptor.listeners().get(index);
    }

    @Test
    void messagesArriveWholeAndInOrder() throws Exception {
        KitClient client = connect();
        RecordingListener server = listener(0);
        for (int i = 0; i < 100; i++) {
            client.sendText("text-" + i);
            client.sendBinary(new byte[] {(byte) i, 1, 2, 3});
        }
        await().atMost(TIMEOUT).until(() -> server.messages().size() == 200);
        List<RecordingListener.Event> messages = server.messages();
        for (int i = 0; i < 100; i++) {
            assertThat(messages.get(2 * i).text()).isEqualTo("text-" + i);
            assertThat(messages.get(2 * i + 1).bytes()).containsExactly((byte) i, 1, 2, 3);
        }
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void messagesArriveOnlyOnDemand() throws Exception {
        acceptor.autoDemand(false);
        KitClient client = connect();
        RecordingListener server = listener(0);
        client.sendText("one");
        client.sendText("two");
        client.sendText("three");
        await().during(QUIET).atMost(TIMEOUT).until(() -> server.messages().isEmpty());

        server.connection().demand();
        await().atMost(TIMEOUT).until(() -> server.messages().size() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> server.messages().size() == 1);

        server.connection().demand();
        server.connection().demand();
        await().atMost(TIMEOUT).until(() -> server.messages().size() == 3);
        assertThat(server.messages()).extracting(RecordingListener.Event::text).containsExactly("one", "two", "three");
    }

    @Test
    void callbacksForOneConnectionNeverOverlap() throws Exception {
        int clientCount = 3;
        int perClient = 300;
        List<KitClient> all = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            all.add(connect());
        }
        await().atMost(TIMEOUT).until(() -> acceptor.listeners().size() == clientCount);
        ExecutorService senders = Executors.newFixedThreadPool(clientCount + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (KitClient c : all) {
                done.add(senders.submit(() -> {
                    go.await();
                    for (int i = 0; i < perClient; i++) {
                        c.sendText("m" + i);
                    }
                    return null;
                }));
            }
            done.add(senders.submit(() -> {
                go.await();
                for (int i = 0; i < 50; i++) {
                    for (RecordingListener l : acceptor.listeners()) {
                        l.connection().ping(ByteBuffer.wrap(new byte[] {(byte) i}));
                    }
                }
                return null;
            }));
            go.countDown();
            for (Future<?> f : done) {
                f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        for (RecordingListener l : acceptor.listeners()) {
            await().atMost(TIMEOUT).until(() -> l.messages().size() == perClient);
            assertThat(l.violations()).isEmpty();
        }
    }

    @Test
    void aBatchIsWrittenInOrderAndItsCallbackCompletesOnce() throws Exception {
        KitClient client = connect();
        RecordingListener server = listener(0);
        Message[] batch = {Message.text("first"), Message.binary(new byte[] {9, 8, 7}), Message.text("третий ✓")};
        CountingCallback callback = new CountingCallback();
        server.connection().send(batch, batch.length, callback);

        assertThat(client.next(TIMEOUT).text()).isEqualTo("first");
        assertThat(client.next(TIMEOUT).binary()).containsExactly(9, 8, 7);
        assertThat(client.next(TIMEOUT).text()).isEqualTo("третий ✓");
        await().atMost(TIMEOUT).until(() -> callback.succeeded.get() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> callback.total() == 1);
    }

    @Test
    void oneFrameSentToManyConnectionsArrivesIntactOnEach() throws Exception {
        int n = 5;
        List<KitClient> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(connect());
        }
        await().atMost(TIMEOUT).until(() -> acceptor.listeners().size() == n);
        Message text = Message.text("shared ".repeat(1000));
        Message binary = Message.binary(new byte[] {1, 2, 3, 4, 5});
        for (RecordingListener l : acceptor.listeners()) {
            l.connection().send(new Message[] {text, binary}, 2, new CountingCallback());
        }
        for (KitClient c : all) {
            assertThat(c.next(TIMEOUT).text()).isEqualTo("shared ".repeat(1000));
            assertThat(c.next(TIMEOUT).binary()).containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void aServerCloseReachesThePeerAndIsReportedOnce() throws Exception {
        KitClient client = connect();
        RecordingListener server = listener(0);
        server.connection().close(new CloseStatus(4000, "bye"));

        assertThat(client.awaitClose(TIMEOUT)).isEqualTo(new CloseStatus(4000, "bye"));
        await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);
        assertThat(server.closeStatus().code()).isEqualTo(4000);
        await().during(QUIET).atMost(TIMEOUT).until(() -> server.closeCount() == 1);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aPeerCloseIsReportedOnceWithItsStatus() throws Exception {
        KitClient client = connect();
        RecordingListener server = listener(0);
        client.sendText("last words");
        client.close(4001, "done");

        await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);
        assertThat(server.closeStatus()).isEqualTo(new CloseStatus(4001, "done"));
        assertThat(server.messages()).extracting(RecordingListener.Event::text).containsExactly("last words");
        assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(4001);
        await().during(QUIET).atMost(TIMEOUT).until(() -> server.closeCount() == 1);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void anAbortIsReportedAsAnAbnormalClose() throws Exception {
        KitClient client = connect();
        RecordingListener server = listener(0);
        server.connection().abort();

        await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);
        assertThat(server.closeStatus().code()).isEqualTo(1006);
        assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1006);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aSendAfterTheCloseFailsItsCallbackOnce() throws Exception {
        KitClient client = connect();
        RecordingListener server = listener(0);
        client.close(1000, "");
        await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);

        CountingCallback callback = new CountingCallback();
        server.connection().send(new Message[] {Message.text("too late")}, 1, callback);
        await().atMost(TIMEOUT).until(() -> callback.failed.get() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> callback.total() == 1);
    }

    @Test
    void closeAndAbortRacingAreReportedOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            KitClient client = connect();
            RecordingListener server = listener(round);
            CountDownLatch go = new CountDownLatch(1);
            Thread closer = new Thread(() -> {
                awaitQuietly(go);
                server.connection().close(new CloseStatus(1000, ""));
            });
            Thread aborter = new Thread(() -> {
                awaitQuietly(go);
                server.connection().abort();
            });
            closer.start();
            aborter.start();
            go.countDown();
            client.close(1000, "");
            closer.join(TIMEOUT.toMillis());
            aborter.join(TIMEOUT.toMillis());
            await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);
            await().during(Duration.ofMillis(50)).atMost(TIMEOUT).until(() -> server.closeCount() == 1);
            assertThat(server.violations()).isEmpty();
        }
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        connect();
        RecordingListener server = listener(0);
        server.connection().ping(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
        await().atMost(TIMEOUT).until(() -> server.events().stream().anyMatch(e -> e.kind().equals("pong")));
    }

    @Test
    void theHandshakeFactsReachTheAcceptor() throws Exception {
        connect(Map.of("X-Test", "yes"), Map.of("id", "alice", "other", "1"));
        await().atMost(TIMEOUT).until(() -> acceptor.handshakes().size() == 1);
        Handshake h = acceptor.handshakes().get(0);
        assertThat(h.header("x-test")).contains("yes");
        assertThat(h.queryParameters().get("id")).containsExactly("alice");
        assertThat(h.queryParameters().get("other")).containsExactly("1");
        assertThat(h.remoteAddress()).isNotNull();
        assertThat(h.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(listener(0).connection().remoteAddress()).isEqualTo(h.remoteAddress());
    }

    @Test
    void aRefusedAdmissionIsAnsweredWithItsHttpStatus() throws Exception {
        for (int status : new int[] {400, 403, 409, 503}) {
            acceptor.refuseWith(status);
            assertThatThrownBy(this::connect)
                    .isInstanceOfSatisfying(KitUpgradeRefused.class, e -> assertThat(e.status()).isEqualTo(status));
        }
        assertThat(acceptor.listeners()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts completions, to check "exactly once". */
    static final class CountingCallback implements SendCallback {
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicReference<Throwable> cause = new AtomicReference<>();

        @Override
        public void succeeded() {
            succeeded.incrementAndGet();
        }

        @Override
        public void failed(Throwable t) {
            cause.set(t);
            failed.incrementAndGet();
        }

        int total() {
            return succeeded.get() + failed.get();
        }
    }
}
