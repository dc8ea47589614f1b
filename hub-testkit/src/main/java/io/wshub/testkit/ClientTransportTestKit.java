package io.wshub.testkit;

import io.wshub.Authenticator;
import io.wshub.CloseStatus;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.client.HandshakeRefusedException;
import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The promises of the client transport SPI ({@link ClientTransport}, {@link ClientConnection},
 * {@link io.wshub.spi.ClientConnectionListener}), checked against a real transport over real
 * sockets: the connect future opens the connection or fails (with the HTTP status of a refused
 * upgrade), a cancelled attempt lets go of its socket, messages whole and in order both ways, only
 * on demand, callbacks one at a time, every send completed once (failed after the close), one close
 * with the peer's status and nothing after it, an abort reported as 1006, pings answered both ways,
 * the request's headers and message limit applied, and open connections dropped when the transport
 * closes. hub-client's Jetty transport passes it; so should yours.
 *
 * <p>The far end is a real wshub hub that the kit builds for each test and records; the test says
 * how to serve it, on a free loopback port, with a server transport (hub-testkit itself has no
 * WebSocket server), and which client transport to test:
 *
 * <pre>{@code
 * class MyClientTransportTest extends ClientTransportTestKit {
 *     @Override
 *     protected ClientTransport newTransport() {
 *         return transport; // yours, fresh for each test; the kit closes it
 *     }
 *
 *     @Override
 *     protected ServedHub serve(Hub hub) throws Exception {
 *         Server server = new Server(0);   // Jetty, with hub-jetty's handler, on a free port
 *         server.setHandler(WshubHandler.builder(server).mount("/ws", hub).build());
 *         server.start();
 *         int port = server.getURI().getPort();
 *         return new ServedHub() {
 *             public java.net.URI uri() {
 *                 return java.net.URI.create("ws://127.0.0.1:" + port + "/ws");
 *             }
 *             public void close() throws Exception {
 *                 server.stop();
 *             }
 *         };
 *     }
 * }
 * }</pre>
 *
 * Each test waits at most {@link #TIMEOUT} for what must happen, and watches {@link #QUIET} for
 * what must not.
 */
public abstract class ClientTransportTestKit {

    /** How long what must happen may take. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long "nothing more happens" is watched for; long enough for a transport to misbehave. */
    protected static final Duration QUIET = Duration.ofMillis(300);
    /** The ping interval of the heartbeat test's hub: pings come often. */
    protected static final Duration PING_INTERVAL = Duration.ofMillis(100);
    /** The pong timeout of the heartbeat test's hub: no frame at all for this long closes the session. */
    protected static final Duration PONG_TIMEOUT = Duration.ofMillis(1_500);
    /** The largest message either side takes by default. */
    protected static final long MAX_MESSAGE_BYTES = 1024 * 1024;
    /** The request header whose value (401 or 403) the kit's hub refuses the upgrade with. */
    protected static final String REFUSE_HEADER = "X-Kit-Refuse";

    /** A hub served over WebSocket by the test's server transport. */
    public interface ServedHub extends AutoCloseable {

        /** The {@code ws://} address of the hub, without a query: the kit adds {@code ?id=}. */
        URI uri();

        /** Stops serving; the kit shuts the hub down after. */
        @Override
        void close() throws Exception;
    }

    /**
     * One connection the kit opened: the transport's connection, what its listener heard, and the
     * hub's session at the other end.
     */
    protected record Opened(ClientConnection connection, RecordingListener<ClientConnection> events, Session session) {
    }

    /** The hub at the far end, fresh for each test, started by the test's first connect. */
    protected Hub hub;
    /** The client transport under test, fresh for each test. */
    protected ClientTransport transport;
    private ServedHub served;
    private final ServerSide server = new ServerSide();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<Opened> opened = new ArrayList<>();

    /** The client transport to test; a fresh one for each test, which the kit closes after it. */
    protected abstract ClientTransport newTransport() throws Exception;

    /**
     * Serves this hub over WebSocket on a free loopback port (with hub-jetty's {@code WshubHandler},
     * say) and tells where; the kit stops it after each test.
     */
    protected abstract ServedHub serve(Hub hub) throws Exception;

    @BeforeEach
    void startTransport() throws Exception {
        transport = newTransport();
    }

    @AfterEach
    void stopTransportAndHub() throws Exception {
        try {
            for (Opened o : opened) {
                o.connection().abort();
            }
            transport.close();
            if (served != null) {
                served.close();
            }
        } finally {
            if (hub != null) {
                hub.shutdown(Duration.ZERO).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Starts the far end with these options (the kit's handler and authenticator); a test that
     * does not call it gets {@link #defaultOptions()} when it first connects.
     */
    protected Hub startHub(HubOptions options) throws Exception {
        if (hub != null) {
            throw new IllegalStateException("the hub of this test has started already");
        }
        hub = Hub.builder().options(options).authenticator(ClientTransportTestKit::authenticate).handler(server).build();
        served = serve(hub);
        return hub;
    }

    /**
     * The far end's options unless a test says otherwise: large messages, room for every message a
     * test queues at once, no rate limit, a short shutdown.
     */
    protected static HubOptions defaultOptions() {
        return HubOptions.builder().maxMessageBytes(MAX_MESSAGE_BYTES).maxQueuedMessages(4_096)
                .rateLimit(RateLimit.UNLIMITED).shutdownGrace(Duration.ofSeconds(1)).build();
    }

    private ServedHub served() throws Exception {
        if (hub == null) {
            startHub(defaultOptions());
        }
        return served;
    }

    private static Authenticator.Result authenticate(io.wshub.Handshake handshake) {
        Optional<String> refuse = handshake.header(REFUSE_HEADER);
        if (refuse.isEmpty()) {
            return Authenticator.Result.anonymous();
        }
        return refuse.get().equals("403") ? Authenticator.Result.forbidden("refused by the kit")
                : Authenticator.Result.unauthorized("refused by the kit");
    }

    // ---- connecting ----

    /** A request to the served hub as the session with this id. */
    protected ClientConnectRequest request(String sessionId, Map<String, List<String>> headers, long maxMessageBytes)
            throws Exception {
        URI uri = URI.create(served().uri() + "?id=" + sessionId);
        return new ClientConnectRequest(uri, headers, TIMEOUT, maxMessageBytes, Duration.ofMinutes(1));
    }

    /** Opens a connection whose listener demands the next message after each one. */
    protected Opened connect() throws Exception {
        return connect(Map.of(), MAX_MESSAGE_BYTES, true);
    }

    /**
     * Opens a connection with these headers and this inbound message limit, and waits for the
     * hub's session at the other end. With {@code autoDemand} the kit demands the first message and
     * the listener each next one; without, every demand is the test's.
     */
    protected Opened connect(Map<String, List<String>> headers, long maxMessageBytes, boolean autoDemand) throws Exception {
        String id = "kit-" + ids.incrementAndGet();
        return open(id, request(id, headers, maxMessageBytes), autoDemand);
    }

    /**
     * Opens a connection that takes inbound messages as streams of chunks, each at most
     * {@link #MAX_MESSAGE_BYTES}, a message at most {@code maxStreamBytes}; its listener releases
     * each chunk and demands the next, unless told to {@linkplain RecordingListener#holdChunks() hold them}.
     */
    protected Opened connectStreaming(long maxStreamBytes) throws Exception {
        String id = "kit-" + ids.incrementAndGet();
        ClientConnectRequest whole = request(id, Map.of(), MAX_MESSAGE_BYTES);
        return open(id, new ClientConnectRequest(whole.uri(), whole.headers(), whole.handshakeTimeout(),
                whole.maxMessageBytes(), whole.idleTimeout(), maxStreamBytes), true);
    }

    private Opened open(String id, ClientConnectRequest request, boolean autoDemand) throws Exception {
        RecordingListener<ClientConnection> events = new RecordingListener<>(autoDemand, ClientConnection::demand);
        ClientConnection connection = transport.connect(request, events)
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(connection).as("the connection the future completed with").isNotNull();
        events.attach(connection);
        await("the hub's session " + id).atMost(TIMEOUT).until(() -> hub.session(id).isPresent());
        Opened o = new Opened(connection, events, hub.session(id).orElseThrow());
        opened.add(o);
        if (autoDemand) {
            connection.demand();
        }
        return o;
    }

    /** Sends one message and waits for its callback: the client's promise of one send at a time. */
    protected static CountingCallback sendAndWait(ClientConnection connection, Message message) {
        CountingCallback callback = new CountingCallback();
        connection.send(message, callback);
        return callback.awaitCompletion(TIMEOUT);
    }

    // ---- the promises ----

    @Test
    void messagesArriveWholeAndInOrderFromTheServer() throws Exception {
        Opened c = connect();
        String big = "x".repeat(300 * 1024);
        for (int i = 0; i < 100; i++) {
            c.session().send("text-" + i);
            c.session().send(Message.binary(new byte[] {(byte) i, 1, 2, 3}));
        }
        c.session().send("третий ✓");
        c.session().send(big);

        await().atMost(TIMEOUT).until(() -> c.events().messages().size() == 202);
        List<RecordingListener.Event> messages = c.events().messages();
        for (int i = 0; i < 100; i++) {
            assertThat(messages.get(2 * i).text()).isEqualTo("text-" + i);
            assertThat(messages.get(2 * i + 1).bytes()).containsExactly((byte) i, 1, 2, 3);
        }
        assertThat(messages.get(200).text()).isEqualTo("третий ✓");
        assertThat(messages.get(201).text()).hasSize(big.length()).isEqualTo(big);
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void messagesArriveWholeAndInOrderAtTheServer() throws Exception {
        Opened c = connect();
        String big = "y".repeat(300 * 1024);
        for (int i = 0; i < 100; i++) {
            assertThat(sendAndWait(c.connection(), Message.text("text-" + i)).succeededCount()).isEqualTo(1);
            assertThat(sendAndWait(c.connection(), Message.binary(new byte[] {(byte) i, 9})).succeededCount()).isEqualTo(1);
        }
        sendAndWait(c.connection(), Message.text(big));

        String id = c.session().id();
        await().atMost(TIMEOUT).until(() -> server.received(id).size() == 201);
        List<RecordingListener.Event> received = server.received(id);
        for (int i = 0; i < 100; i++) {
            assertThat(received.get(2 * i).text()).isEqualTo("text-" + i);
            assertThat(received.get(2 * i + 1).bytes()).containsExactly((byte) i, 9);
        }
        assertThat(received.get(200).text()).isEqualTo(big);
    }

    @Test
    void aMessageSentAsChunksArrivesWholeAtTheServer() throws Exception {
        Opened c = connect();
        byte[] utf8 = "chunks: €uro".getBytes(StandardCharsets.UTF_8);
        int split = utf8.length - 5; // inside the three bytes of the euro sign
        CountingCallback first = new CountingCallback();
        c.connection().sendChunk(true, ByteBuffer.wrap(utf8, 0, split), true, false, first);
        assertThat(first.awaitCompletion(TIMEOUT).succeededCount()).isEqualTo(1);
        CountingCallback last = new CountingCallback();
        c.connection().sendChunk(true, ByteBuffer.wrap(utf8, split, utf8.length - split), false, true, last);
        assertThat(last.awaitCompletion(TIMEOUT).succeededCount()).isEqualTo(1);

        String id = c.session().id();
        await().atMost(TIMEOUT).until(() -> server.received(id).size() == 1);
        assertThat(server.received(id).get(0).text()).isEqualTo("chunks: €uro");
    }

    /**
     * The hub's session sends a binary message as a stream of {@code chunks} frames of
     * {@code chunkBytes} each, chunk {@code i} filled with byte {@code i}, the next written when the
     * last completes; {@code written} counts the chunks written to the socket.
     */
    protected static CompletableFuture<Void> streamFromServer(Session session, int chunks, int chunkBytes, AtomicInteger written) {
        io.wshub.OutboundStream out = session.stream(false);
        CompletableFuture<Void> all = new CompletableFuture<>();
        writeChunk(out, 0, chunks, chunkBytes, written, all);
        return all;
    }

    private static void writeChunk(io.wshub.OutboundStream out, int i, int chunks, int chunkBytes, AtomicInteger written,
                                   CompletableFuture<Void> all) {
        byte[] data = new byte[chunkBytes];
        java.util.Arrays.fill(data, (byte) i);
        out.write(ByteBuffer.wrap(data), i == chunks - 1).whenComplete((v, failed) -> {
            if (failed != null) {
                all.completeExceptionally(failed);
                return;
            }
            written.incrementAndGet();
            if (i == chunks - 1) {
                all.complete(null);
            } else {
                writeChunk(out, i + 1, chunks, chunkBytes, written, all);
            }
        });
    }

    private static List<RecordingListener.Event> chunks(Opened c) {
        return c.events().events().stream().filter(e -> e.kind().equals("chunk")).toList();
    }

    @Test
    void aLargeMessageArrivesAsChunksWhenTheRequestStreams() throws Exception {
        Opened c = connectStreaming(64L * 1024 * 1024);
        int chunkBytes = 64 * 1024;
        streamFromServer(c.session(), 16, chunkBytes, new AtomicInteger()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        c.session().send("one frame");

        await().atMost(TIMEOUT).until(() -> chunks(c).size() == 17);
        List<RecordingListener.Event> chunks = chunks(c);
        for (int i = 0; i < 16; i++) {
            assertThat(chunks.get(i).text()).as("chunk %d", i)
                    .isEqualTo("binary" + (i == 0 ? " first" : "") + (i == 15 ? " last" : ""));
            assertThat(chunks.get(i).bytes()).hasSize(chunkBytes).containsOnly((byte) i);
        }
        assertThat(chunks.get(16).text()).isEqualTo("text first last");
        assertThat(new String(chunks.get(16).bytes(), StandardCharsets.UTF_8)).isEqualTo("one frame");
        assertThat(c.events().messages()).as("nothing arrives whole").isEmpty();
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void readingStopsWhileAChunkIsNotReleasedAndTheServersWritesBackUp() throws Exception {
        Opened c = connectStreaming(64L * 1024 * 1024);
        c.events().holdChunks();
        int total = 512; // 32 MiB: far more than the sockets' buffers hold
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> all = streamFromServer(c.session(), total, 64 * 1024, written);

        await().atMost(TIMEOUT).until(() -> c.events().heldChunks() == 1);
        int[] seen = {-1};
        await("the server's writes stop").atMost(TIMEOUT).pollInterval(QUIET).until(() -> {
            int now = written.get();
            boolean stalled = now == seen[0];
            seen[0] = now;
            return stalled;
        });
        assertThat(written.get()).as("chunks written while the client holds one").isLessThan(total);
        assertThat(chunks(c)).as("chunks delivered while one is held").hasSize(1);

        c.events().releaseHeldChunks();
        all.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(TIMEOUT).until(() -> chunks(c).size() == total);
        assertThat(chunks(c).get(total - 1).text()).isEqualTo("binary last");
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void aStreamOverMaxStreamBytesIsRefusedAndClosedWith1009() throws Exception {
        Opened c = connectStreaming(256 * 1024);
        streamFromServer(c.session(), 8, 64 * 1024, new AtomicInteger()); // 512 KiB

        await().atMost(TIMEOUT).until(() -> c.events().count("error") == 1);
        assertThat(c.events().events()).filteredOn(e -> e.kind().equals("error")).first()
                .extracting(RecordingListener.Event::text).asString().contains("MessageTooLargeException");
        assertThat(chunks(c)).as("the chunks within the limit").hasSize(4);
        c.connection().close(CloseStatus.MESSAGE_TOO_BIG); // what the client does on that error

        await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        await().atMost(TIMEOUT).until(() -> server.closeStatus(c.session().id()) != null);
        assertThat(server.closeStatus(c.session().id()).code()).isEqualTo(1009);
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void messagesArriveOnlyOnDemand() throws Exception {
        Opened c = connect(Map.of(), MAX_MESSAGE_BYTES, false);
        c.session().send("one");
        c.session().send("two");
        c.session().send("three");
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().messages().isEmpty());

        c.connection().demand();
        await().atMost(TIMEOUT).until(() -> c.events().messages().size() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().messages().size() == 1);

        c.connection().demand();
        c.connection().demand();
        await().atMost(TIMEOUT).until(() -> c.events().messages().size() == 3);
        assertThat(c.events().messages()).extracting(RecordingListener.Event::text).containsExactly("one", "two", "three");
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void callbacksNeverOverlap() throws Exception {
        Opened c = connect();
        int messages = 300;
        Thread pinger = new Thread(() -> {
            for (int i = 0; i < 50; i++) {
                c.connection().ping(ByteBuffer.wrap(new byte[] {(byte) i}));
            }
        });
        pinger.start();
        for (int i = 0; i < messages; i++) {
            c.session().send("m" + i);
        }
        pinger.join(TIMEOUT.toMillis());

        await().atMost(TIMEOUT).until(() -> c.events().messages().size() == messages && c.events().count("pong") == 50);
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void everySendCompletesItsCallbackOnce() throws Exception {
        Opened c = connect();
        List<CountingCallback> callbacks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            callbacks.add(sendAndWait(c.connection(), Message.text("m" + i)));
        }
        await().during(QUIET).atMost(TIMEOUT).until(() -> callbacks.stream().allMatch(cb -> cb.total() == 1));
        assertThat(callbacks).allSatisfy(cb -> assertThat(cb.succeededCount()).isEqualTo(1));
    }

    @Test
    void aServerCloseIsReportedOnceWithItsStatus() throws Exception {
        Opened c = connect();
        c.session().close(new CloseStatus(4000, "bye"));

        await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().closeStatus()).isEqualTo(new CloseStatus(4000, "bye"));
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().violations()).isEmpty();
        await().atMost(TIMEOUT).until(() -> server.closeStatus(c.session().id()) != null);
    }

    @Test
    void aClientCloseReachesTheServerAndIsReportedOnce() throws Exception {
        Opened c = connect();
        sendAndWait(c.connection(), Message.text("last words"));
        c.connection().close(new CloseStatus(4001, "done"));

        String id = c.session().id();
        await().atMost(TIMEOUT).until(() -> server.closeStatus(id) != null);
        assertThat(server.closeStatus(id)).isEqualTo(new CloseStatus(4001, "done"));
        assertThat(server.received(id)).extracting(RecordingListener.Event::text).containsExactly("last words");
        await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().closeStatus().code()).isEqualTo(4001);
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void aSendAfterTheCloseFailsItsCallbackOnce() throws Exception {
        Opened c = connect();
        c.session().close(new CloseStatus(1000, ""));
        await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);

        CountingCallback callback = new CountingCallback();
        c.connection().send(Message.text("too late"), callback);
        await().atMost(TIMEOUT).until(() -> callback.failedCount() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> callback.total() == 1);
        c.connection().demand(); // harmless after the close
        c.connection().ping(ByteBuffer.allocate(0));
        c.connection().close(new CloseStatus(1000, ""));
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void anAbortIsReportedAsAnAbnormalClose() throws Exception {
        Opened c = connect();
        c.connection().abort();

        await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().closeStatus().code()).isEqualTo(1006);
        String id = c.session().id();
        await().atMost(TIMEOUT).until(() -> server.closeStatus(id) != null);
        assertThat(server.closeStatus(id).code()).isEqualTo(1006);
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void closeAndAbortRacingAreReportedOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            Opened c = connect();
            Race.run(TIMEOUT, () -> c.session().close(new CloseStatus(1000, "")),
                    () -> c.connection().close(new CloseStatus(1000, "")),
                    () -> c.connection().abort());
            await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
            await().during(Duration.ofMillis(50)).atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
            assertThat(c.events().violations()).isEmpty();
        }
    }

    @Test
    void aPingIsAnsweredWithAPongThatLeavesTheDemandOutstanding() throws Exception {
        Opened c = connect(Map.of(), MAX_MESSAGE_BYTES, false);
        c.connection().demand();
        c.connection().ping(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));

        await().atMost(TIMEOUT).until(() -> c.events().count("pong") >= 1);
        RecordingListener.Event pong = c.events().events().stream().filter(e -> e.kind().equals("pong")).findFirst().orElseThrow();
        assertThat(new String(pong.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertOneDemandLeft(c);
    }

    @Test
    void theServersPingsAreAnsweredAndLeaveTheDemandOutstanding() throws Exception {
        startHub(defaultOptions().toBuilder().pingInterval(PING_INTERVAL).pongTimeout(PONG_TIMEOUT).build());
        Opened c = connect(Map.of(), MAX_MESSAGE_BYTES, false);
        c.connection().demand();
        // Past the pong timeout: had the pongs not gone back, the hub would have closed the session.
        long pings = PONG_TIMEOUT.toMillis() / PING_INTERVAL.toMillis() + 5;

        await().atMost(TIMEOUT).until(() -> c.events().count("ping") >= pings);
        assertThat(c.events().closeCount()).isZero();
        assertThat(c.session().isOpen()).isTrue();
        assertOneDemandLeft(c);
    }

    /** The one demand outstanding takes one message, and no more: pings and pongs did not use it. */
    private static void assertOneDemandLeft(Opened c) {
        c.session().send("after");
        c.session().send("not asked for");
        await().atMost(TIMEOUT).until(() -> c.events().messages().size() == 1);
        await().during(QUIET).atMost(TIMEOUT).until(() -> c.events().messages().size() == 1);
        assertThat(c.events().messages().get(0).text()).isEqualTo("after");
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void theHeadersOfTheRequestReachTheServer() throws Exception {
        Opened c = connect(Map.of("X-Kit-Test", List.of("yes"), "Authorization", List.of("Bearer abc")), MAX_MESSAGE_BYTES, true);

        assertThat(c.session().handshake().header("x-kit-test")).contains("yes");
        assertThat(c.session().handshake().header("authorization")).contains("Bearer abc");
        assertThat(c.session().handshake().queryParameters().get("id")).containsExactly(c.session().id());
    }

    @Test
    void aMessageOverTheRequestsLimitClosesWith1009() throws Exception {
        Opened c = connect(Map.of(), 1024, true);
        c.session().send("z".repeat(4096));

        await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
        assertThat(c.events().closeStatus().code()).isEqualTo(1009);
        assertThat(c.events().messages()).isEmpty();
        assertThat(c.events().violations()).isEmpty();
    }

    @Test
    void aRefusedUpgradeFailsTheFutureWithItsHttpStatus() throws Exception {
        connect(); // kit-1: its id is taken from now on
        Map<Integer, ClientConnectRequest> refused = Map.of(
                401, request("kit-x", Map.of(REFUSE_HEADER, List.of("401")), MAX_MESSAGE_BYTES),
                403, request("kit-y", Map.of(REFUSE_HEADER, List.of("403")), MAX_MESSAGE_BYTES),
                400, request("not.a.valid.id.because.it.is.far.longer.than.sixty.four.characters.x", Map.of(), MAX_MESSAGE_BYTES),
                409, request("kit-1", Map.of(), MAX_MESSAGE_BYTES));
        for (Map.Entry<Integer, ClientConnectRequest> e : refused.entrySet()) {
            RecordingListener<ClientConnection> events = new RecordingListener<>(true, ClientConnection::demand);
            CompletableFuture<ClientConnection> attempt = transport.connect(e.getValue(), events);

            assertThatThrownBy(() -> attempt.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("refused with %d", e.getKey())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(HandshakeRefusedException.class,
                            r -> assertThat(r.status()).isEqualTo(e.getKey()));
            await().during(QUIET).atMost(TIMEOUT).until(() -> events.events().isEmpty());
        }
    }

    @Test
    void anAddressWhereNothingListensFailsTheFuture() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        RecordingListener<ClientConnection> events = new RecordingListener<>(true, ClientConnection::demand);
        ClientConnectRequest nowhere = new ClientConnectRequest(URI.create("ws://127.0.0.1:" + closedPort + "/ws"),
                Map.of(), TIMEOUT, MAX_MESSAGE_BYTES, Duration.ofMinutes(1));
        CompletableFuture<ClientConnection> attempt = transport.connect(nowhere, events);

        assertThatThrownBy(() -> attempt.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isNotInstanceOf(HandshakeRefusedException.class);
        assertThat(events.events()).isEmpty();
    }

    @Test
    void aCancelledAttemptLetsGoOfItsSocket() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            mute.setSoTimeout((int) TIMEOUT.toMillis());
            RecordingListener<ClientConnection> events = new RecordingListener<>(true, ClientConnection::demand);
            ClientConnectRequest request = new ClientConnectRequest(URI.create("ws://127.0.0.1:" + mute.getLocalPort() + "/ws"),
                    Map.of(), TIMEOUT, MAX_MESSAGE_BYTES, Duration.ofMinutes(1));
            CompletableFuture<ClientConnection> attempt = transport.connect(request, events);
            try (Socket accepted = mute.accept()) {
                accepted.setSoTimeout((int) TIMEOUT.toMillis());
                InputStream in = accepted.getInputStream();
                assertThat(in.read()).as("the first byte of the upgrade request").isNotNegative();

                attempt.cancel(true);

                // The rest of the request, if any, then the end of the stream: the socket is closed.
                while (in.read() != -1) {
                    // drain
                }
            }
            assertThat(attempt.isCancelled()).isTrue();
            assertThat(events.events()).isEmpty();
        }
    }

    @Test
    void closingTheTransportDropsItsOpenConnections() throws Exception {
        Opened a = connect();
        Opened b = connect();
        transport.close();

        for (Opened c : List.of(a, b)) {
            await().atMost(TIMEOUT).until(() -> c.events().closeCount() == 1);
            await().atMost(TIMEOUT).until(() -> server.closeStatus(c.session().id()) != null);
            assertThat(c.events().violations()).isEmpty();
        }
        transport.close(); // again: harmless
    }

    /** The hub's handler: records what each session received and how it closed. */
    private static final class ServerSide implements HubHandler {
        private final Map<String, List<RecordingListener.Event>> received = new ConcurrentHashMap<>();
        private final Map<String, CloseStatus> closes = new ConcurrentHashMap<>();

        List<RecordingListener.Event> received(String id) {
            return List.copyOf(received.getOrDefault(id, List.of()));
        }

        CloseStatus closeStatus(String id) {
            return closes.get(id);
        }

        @Override
        public void onText(Session session, String text) {
            received.computeIfAbsent(session.id(), k -> new CopyOnWriteArrayList<>())
                    .add(new RecordingListener.Event("text", text, null, null));
        }

        @Override
        public void onBinary(Session session, ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            received.computeIfAbsent(session.id(), k -> new CopyOnWriteArrayList<>())
                    .add(new RecordingListener.Event("binary", null, copy, null));
        }

        @Override
        public void onClose(Session session, CloseStatus status) {
            closes.put(session.id(), status);
        }
    }
}
