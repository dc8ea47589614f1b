package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.HubOptions;
import io.wshub.spi.SendCallback;
import io.wshub.spi.Connection;
import io.wshub.testkit.RecordingAcceptor;
import io.wshub.testkit.RecordingListener;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the Jetty adapter adds to the transport test kit: Jetty's traps, the mapped limits, batching. */
class JettyAdapterTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    private final RecordingAcceptor acceptor = new RecordingAcceptor();
    private TestServer server;
    private WebSocketClient client;

    private void start(HubOptions hubOptions, JettyOptions jettyOptions) throws Exception {
        acceptor.maxMessageBytes(hubOptions.maxMessageBytes()); // what a hub's admission says
        server = TestServer.start(s -> new WebSocketUpgradeHandler(handler ->
                handler.addMapping("/ws", new HubNegotiator(acceptor, hubOptions, jettyOptions))));
        client = TestClient.newJettyClient();
    }

    private void start() throws Exception {
        start(HubOptions.defaults(), JettyOptions.DEFAULTS);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private RecordingListener<Connection> listener() {
        await().atMost(TIMEOUT).until(() -> !acceptor.listeners().isEmpty());
        return acceptor.listeners().get(0);
    }

    private static boolean has(RecordingListener<Connection> l, String kind) {
        return l.events().stream().anyMatch(e -> e.kind().equals(kind));
    }

    /** Starts a send with a callback and waits until it completed. */
    private static void sent(Consumer<Callback> send) throws Exception {
        Callback.Completable done = new Callback.Completable();
        send.accept(done);
        done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aPingFromThePeerIsAnsweredAndReadingGoesOn() throws Exception {
        start();
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        c.session().sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
        c.sendText("after the ping");

        assertThat(new String(c.nextPong(), StandardCharsets.UTF_8)).isEqualTo("are you there");
        await().atMost(TIMEOUT).until(() -> l.messages().size() == 1);
        assertThat(l.messages().get(0).text()).isEqualTo("after the ping");
        assertThat(has(l, "ping")).isTrue();
        assertThat(l.violations()).isEmpty();
    }

    @Test
    void aPongFromThePeerIsReportedAndReadingGoesOn() throws Exception {
        start();
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        c.session().sendPong(ByteBuffer.wrap(new byte[] {7}), Callback.NOOP);
        c.sendText("after the pong");

        await().atMost(TIMEOUT).until(() -> l.messages().size() == 1);
        assertThat(l.events()).extracting(RecordingListener.Event::kind).containsExactly("pong", "text");
    }

    @Test
    void aFragmentedMessageWithAPingBetweenItsFragmentsArrivesWhole() throws Exception {
        start();
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        sent(done -> c.session().sendPartialText("hello, ", false, done));
        c.session().sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        sent(done -> c.session().sendPartialText("world", true, done));
        c.sendText("next");

        await().atMost(TIMEOUT).until(() -> l.messages().size() == 2);
        assertThat(l.messages()).extracting(RecordingListener.Event::text).containsExactly("hello, world", "next");
        c.nextPong();
    }

    @Test
    void binaryAndTextMessagesInFragmentsArriveWhole() throws Exception {
        start();
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        for (int i = 0; i < 3; i++) {
            int n = i;
            sent(done -> c.session().sendPartialBinary(ByteBuffer.wrap(new byte[] {(byte) n, (byte) (n + 10)}), n == 2, done));
        }
        sent(done -> c.session().sendPartialText("price: €", false, done));
        sent(done -> c.session().sendPartialText(" 5", true, done));

        await().atMost(TIMEOUT).until(() -> l.messages().size() == 2);
        assertThat(l.messages().get(0).bytes()).containsExactly(0, 10, 1, 11, 2, 12);
        assertThat(l.messages().get(1).text()).isEqualTo("price: € 5");
    }

    @Test
    void fragmentsThatAddUpToMoreThanTheLimitCloseWith1009() throws Exception {
        start(HubOptions.builder().maxMessageBytes(1024).build(), JettyOptions.DEFAULTS);
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        sent(done -> c.session().sendPartialText("a".repeat(600), false, done));
        c.session().sendPartialText("a".repeat(600), true, Callback.NOOP);

        assertThat(c.awaitClose().code()).isEqualTo(1009);
        await().atMost(TIMEOUT).until(() -> l.closeCount() == 1);
        assertThat(l.messages()).isEmpty();
    }

    @Test
    void theHubsCloseCompletesWhileTheHubDemandsNothing() throws Exception {
        start();
        acceptor.autoDemand(false);
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        c.sendText("never asked for");
        c.sendText("nor this");

        l.connection().close(new CloseStatus(4002, "bye"));

        assertThat(c.awaitClose()).isEqualTo(new CloseStatus(4002, "bye"));
        await().atMost(TIMEOUT).until(() -> l.closeCount() == 1);
        assertThat(l.messages()).isEmpty();
        assertThat(l.violations()).isEmpty();
    }

    @Test
    void aBatchOfSmallFramesLeavesInOneWrite() throws Exception {
        start();
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        Message[] batch = new Message[10];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = i % 2 == 0 ? Message.text("frame " + i) : Message.binary(new byte[] {(byte) i});
        }
        long before = server.writes(); // the upgrade response is written: the client has it
        CompletableFuture<Void> written = new CompletableFuture<>();
        l.connection().send(batch, batch.length, completing(written));

        for (int i = 0; i < batch.length; i++) {
            TestClient.Received m = c.next(TIMEOUT);
            if (i % 2 == 0) {
                assertThat(m.text()).isEqualTo("frame " + i);
            } else {
                assertThat(m.binary()).containsExactly((byte) i);
            }
        }
        written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(server.writes() - before).isEqualTo(1);
    }

    @Test
    void aSendAfterThePeersCloseFailsAndNothingFollowsTheCloseFrame() throws Exception {
        start();
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            RecordingListener<Connection> l = listener();
            CompletableFuture<Void> before = new CompletableFuture<>();
            l.connection().send(new Message[] {Message.text("before")}, 1, completing(before));
            before.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            peer.send(0x8, RawPeer.bytes(0x03, 0xE8)); // close, 1000

            RawPeer.Ending ending = peer.readUntilClose();
            assertThat(ending.code()).isEqualTo(1000);
            assertThat(ending.frames()).extracting(RawPeer.Received::opCode).containsExactly(0x1, 0x8);
            CompletableFuture<Void> after = new CompletableFuture<>();
            l.connection().send(new Message[] {Message.text("after")}, 1, completing(after));

            assertThat(after).failsWithin(TIMEOUT);
            assertThat(peer.readUntilClose().frames()).isEmpty();
        }
    }

    @Test
    void aMessageLargerThanTheFrameLimitLeavesInFragmentsOfThatSizeAsJettySendsThem() throws Exception {
        start(HubOptions.builder().maxMessageBytes(1024).build(), JettyOptions.DEFAULTS);
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            RecordingListener<Connection> l = listener();
            CompletableFuture<Void> written = new CompletableFuture<>();
            l.connection().send(new Message[] {Message.text("z".repeat(2500))}, 1, completing(written));

            List<RawPeer.RawFrame> frames = List.of(peer.readFrame(), peer.readFrame(), peer.readFrame());
            assertThat(frames).extracting(f -> f.firstByte() & 0xFF).containsExactly(0x01, 0x00, 0x80); // text, continuation, final continuation
            assertThat(frames).extracting(f -> f.payload().length).containsExactly(1024, 1024, 452);
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aLargeBatchArrivesIntactInOrder() throws Exception {
        start();
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'x');
        Message[] batch = {Message.text("small"), Message.binary(big), Message.text("y".repeat(100_000)), Message.text("end")};
        CompletableFuture<Void> written = new CompletableFuture<>();
        l.connection().send(batch, batch.length, completing(written));

        assertThat(c.next(TIMEOUT).text()).isEqualTo("small");
        assertThat(c.next(TIMEOUT).binary()).isEqualTo(big);
        assertThat(c.next(TIMEOUT).text()).isEqualTo("y".repeat(100_000));
        assertThat(c.next(TIMEOUT).text()).isEqualTo("end");
        written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aMessageOneByteOverTheLimitClosesWith1009() throws Exception {
        start(HubOptions.builder().maxMessageBytes(1024).build(), JettyOptions.DEFAULTS);
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        RecordingListener<Connection> l = listener();
        c.sendText("a".repeat(1024));
        await().atMost(TIMEOUT).until(() -> l.messages().size() == 1);

        c.sendText("a".repeat(1025));

        assertThat(c.awaitClose().code()).isEqualTo(1009);
        await().atMost(TIMEOUT).until(() -> l.closeCount() == 1);
        assertThat(l.messages()).hasSize(1);
    }

    @Test
    void aBinaryMessageOverTheLimitClosesWith1009() throws Exception {
        start(HubOptions.builder().maxMessageBytes(1024).build(), JettyOptions.DEFAULTS);
        TestClient c = TestClient.connect(client, server.ws("/ws"));
        listener();
        c.sendBinary(new byte[1025]);
        assertThat(c.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void withDeflateOnTheLimitAppliesToTheDecompressedMessage() throws Exception {
        start(HubOptions.builder().maxMessageBytes(64 * 1024).build(), JettyOptions.DEFAULTS.withPermessageDeflate(true));
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.addExtensions("permessage-deflate");
        TestClient c = TestClient.connect(client, server.ws("/ws"), request);
        RecordingListener<Connection> l = listener();
        assertThat(c.session().getUpgradeResponse().getExtensions()).extracting(ExtensionConfig::getName)
                .containsExactly("permessage-deflate");
        c.sendText("z".repeat(64 * 1024));
        await().atMost(TIMEOUT).until(() -> l.messages().size() == 1);
        l.connection().send(new Message[] {Message.text("compressed " + "w".repeat(10_000))}, 1, completing(new CompletableFuture<>()));
        assertThat(c.nextText()).isEqualTo("compressed " + "w".repeat(10_000));

        c.sendText("z".repeat(64 * 1024 + 1)); // compresses to a few hundred bytes

        assertThat(c.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void withDeflateOffAnOfferIsDeclined() throws Exception {
        start();
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.addExtensions("permessage-deflate");
        TestClient c = TestClient.connect(client, server.ws("/ws"), request);
        assertThat(c.session().getUpgradeResponse().getExtensions()).isEmpty();
        RecordingListener<Connection> l = listener();
        c.sendText("plain");
        await().atMost(TIMEOUT).until(() -> l.messages().size() == 1);
    }

    @Test
    void theHandshakeCarriesCookiesAndThePath() throws Exception {
        start();
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setCookies(java.util.List.of(new HttpCookie("token", "abc123")));
        TestClient.connect(client, server.ws("/ws?room=a&room=b"), request);
        await().atMost(TIMEOUT).until(() -> acceptor.handshakes().size() == 1);
        var h = acceptor.handshakes().get(0);
        assertThat(h.path()).isEqualTo("/ws");
        assertThat(h.cookies()).containsEntry("token", "abc123");
        assertThat(h.queryParameters().get("room")).containsExactly("a", "b");
    }

    @Test
    void jettysIdleTimeoutOutlastsTheHubsOwnDeadlines() {
        HubOptions o = HubOptions.defaults();
        Duration idle = SessionSettings.idleTimeout(o);
        assertThat(idle).isGreaterThan(o.pongTimeout().plus(o.closeTimeout()));
        assertThat(idle).isGreaterThan(o.writeTimeout().plus(o.closeTimeout()));

        HubOptions slowWrites = HubOptions.builder().writeTimeout(Duration.ofMinutes(5)).build();
        assertThat(SessionSettings.idleTimeout(slowWrites)).isGreaterThan(Duration.ofMinutes(5).plus(o.closeTimeout()));
    }

    /** A callback that completes the future: with nothing when the send succeeds, exceptionally when it fails. */
    static SendCallback completing(CompletableFuture<Void> future) {
        return new SendCallback() {
            @Override
            public void succeeded() {
                future.complete(null);
            }

            @Override
            public void failed(Throwable cause) {
                future.completeExceptionally(cause);
            }
        };
    }
}
