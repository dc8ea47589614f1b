package io.wshub.testkit;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.Connection;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The promises of the server transport SPI ({@link Connection}, {@link io.wshub.spi.ConnectionListener},
 * {@link io.wshub.spi.Admission}), checked against a real transport: messages whole and in order,
 * only on demand, callbacks one at a time, every send completed once, one close and nothing after
 * it, a message over the admitted size limit refused, aborts reported as 1006, pings answered, the handshake's facts passed on, refusals answered
 * with their HTTP status. The in-memory transport and hub-jetty's adapter pass it; so should yours.
 *
 * <p>A transport's test extends this class (a JUnit 5 test class) and says how to start its server
 * on the kit's {@link RecordingAcceptor}, and how a client talks to it:
 *
 * <pre>{@code
 * class InMemoryTransportTest extends TransportTestKit {
 *     @Override
 *     protected KitServer startServer(ConnectionAcceptor acceptor) {
 *         return new InMemoryKitServer(acceptor);
 *     }
 * }
 * }</pre>
 *
 * A transport over sockets starts its server on a free port in {@code startServer}, feeding the
 * acceptor, and returns a {@link KitServer} whose {@code connect} opens a WebSocket client to it
 * with the given headers and query (throwing {@link KitUpgradeRefused} when the upgrade is answered
 * with an HTTP error) and whose {@code close} stops both; hub-jetty's {@code JettyTransportTest}
 * does so with Jetty's WebSocket client.
 *
 * <p>Each test waits at most {@link #TIMEOUT} for what must happen, and watches {@link #QUIET} for
 * what must not.
 */
public abstract class TransportTestKit {

    /** How long what must happen may take. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long "nothing more happens" is watched for; long enough for a transport to misbehave. */
    protected static final Duration QUIET = Duration.ofMillis(300);

    /** What the server under test feeds, in place of a hub; fresh for each test. */
    protected RecordingAcceptor acceptor;
    /** The server under test, started for each test. */
    protected KitServer server;
    private final List<KitClient> clients = new ArrayList<>();

    /** Starts the transport's server on an ephemeral port, feeding the acceptor; once per test. */
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

    /** Connects a client without headers or query parameters; it is closed after the test. */
    protected KitClient connect() throws Exception {
        return connect(Map.of(), Map.of());
    }

    /** Connects a client with these headers and query parameters; it is closed after the test. */
    protected KitClient connect(Map<String, String> headers, Map<String, String> query) throws Exception {
        KitClient c = server.connect(headers, query);
        clients.add(c);
        return c;
    }

    private RecordingListener<Connection> listener(int index) {
        await().atMost(TIMEOUT).until(() -> acceptor.listeners().size() > index);
        return acceptor.listeners().get(index);
    }

    @Test
    void aStreamingConnectionReportsEveryMessageAsChunksAndWritesAStreamAsOneMessage() throws Exception {
        acceptor.maxStreamBytes(1024 * 1024);
        KitClient client = connect();
        RecordingListener<Connection> server = listener(0);
        client.sendBinary(new byte[] {1, 2, 3});
        client.sendText("héllo");
        await().atMost(TIMEOUT).until(() -> server.count("chunk") == 2);
        List<RecordingListener.Event> chunks = server.events().stream().filter(e -> e.kind().equals("chunk")).toList();
        assertThat(chunks.get(0).text()).isEqualTo("binary first last");
        assertThat(chunks.get(0).bytes()).containsExactly(1, 2, 3);
        assertThat(chunks.get(1).text()).isEqualTo("text first last");
        assertThat(new String(chunks.get(1).bytes(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(server.messages()).isEmpty();

        Connection connection = server.connection();
        CountingCallback first = new CountingCallback(); // one chunk in flight at a time, as the hub sends them
        connection.sendChunk(false, ByteBuffer.wrap(new byte[] {4, 5}), true, false, first);
        assertThat(first.awaitCompletion(TIMEOUT).succeededCount()).isEqualTo(1);
        CountingCallback middle = new CountingCallback();
        connection.sendChunk(false, ByteBuffer.wrap(new byte[] {6}), false, false, middle);
        assertThat(middle.awaitCompletion(TIMEOUT).succeededCount()).isEqualTo(1);
        CountingCallback last = new CountingCallback();
        connection.sendChunk(false, ByteBuffer.wrap(new byte[] {7, 8}), false, true, last);
        assertThat(last.awaitCompletion(TIMEOUT).succeededCount()).isEqualTo(1);
        assertThat(client.next(TIMEOUT).binary()).containsExactly(4, 5, 6, 7, 8);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void messagesArriveWholeAndInOrder() throws Exception {
        KitClient client = connect();
        RecordingListener<Connection> server = listener(0);
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
    void aMessageOverTheAdmittedLimitReachesTheListenerAsWhyNotAsAMessage() throws Exception {
        acceptor.maxMessageBytes(1024);
        KitClient client = connect();
        RecordingListener<Connection> server = listener(0);
        client.sendText("a".repeat(1024));
        await().atMost(TIMEOUT).until(() -> server.messages().size() == 1);

        client.sendText("€".repeat(342)); // 1 026 bytes

        await().atMost(TIMEOUT).until(() -> server.events().stream().anyMatch(e -> e.kind().equals("error")));
        assertThat(server.events()).filteredOn(e -> e.kind().equals("error")).singleElement()
                .satisfies(e -> assertThat(e.text()).contains("MessageTooLargeException", "1026 bytes", "limit is 1024"));
        assertThat(server.messages()).hasSize(1);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void messagesArriveOnlyOnDemand() throws Exception {
        acceptor.autoDemand(false);
        KitClient client = connect();
        RecordingListener<Connection> server = listener(0);
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
                    for (RecordingListener<Connection> l : acceptor.listeners()) {
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
        for (RecordingListener<Connection> l : acceptor.listeners()) {
            await().atMost(TIMEOUT).until(() -> l.messages().size() == perClient);
            assertThat(l.violations()).isEmpty();
        }
    }

    @Test
    void aBatchIsWrittenInOrderAndItsCallbackCompletesOnce() throws Exception {
        KitClient client = connect();
        RecordingListener<Connection> server = listener(0);
        Message[] batch = {Message.text("first"), Message.binary(new byte[] {9, 8, 7}), Message.text("третий ✓")};
        CountingCallback callback = new CountingCallback();
        server.connection().send(batch, batch.length, callback);

        assertThat(client.next(TIMEOUT).text()).isEqualTo("first");
        assertThat(client.next(TIMEOUT).binary()).containsExactly(9, 8, 7);
        assertThat(client.next(TIMEOUT).text()).isEqualTo("третий ✓");
        await().atMost(TIMEOUT).until(() -> callback.succeededCount() == 1);
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
        for (RecordingListener<Connection> l : acceptor.listeners()) {
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
        RecordingListener<Connection> server = listener(0);
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
        RecordingListener<Connection> server = listener(0);
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
        RecordingListener<Connection> server = listener(0);
        server.connection().abort();

        await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);
        assertThat(server.closeStatus().code()).isEqualTo(1006);
        assertThat(client.awaitClose(TIMEOUT).code()).isEqualTo(1006);
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void aSendAfterTheCloseFailsItsCallbackOnce() throws Exception {
        KitClient client = connect();
        RecordingListener<Connection> server = listener(0);
        client.close(1000, "");
        await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);

        CountingCallback callback = new CountingCallback();
        server.connection().send(new Message[] {Message.text("too late")}, 1, callback);
        await().atMost(TIMEOUT).until(() -> callback.failedCount() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> callback.total() == 1);
    }

    @Test
    void closeAndAbortRacingAreReportedOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            KitClient client = connect();
            RecordingListener<Connection> server = listener(round);
            Race.run(TIMEOUT, () -> closeQuietly(client),
                    () -> server.connection().close(new CloseStatus(1000, "")),
                    () -> server.connection().abort());
            await().atMost(TIMEOUT).until(() -> server.closeCount() == 1);
            await().during(Duration.ofMillis(50)).atMost(TIMEOUT).until(() -> server.closeCount() == 1);
            assertThat(server.violations()).isEmpty();
        }
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        connect();
        RecordingListener<Connection> server = listener(0);
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

    private static void closeQuietly(KitClient client) {
        try {
            client.close(1000, "");
        } catch (Exception e) {
            throw new AssertionError("the client's close failed", e);
        }
    }
}
