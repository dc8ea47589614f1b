package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.Message;
import io.wshub.Session;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** permessage-deflate as the hub speaks it, against Jetty's own client with deflate. */
class DeflateTest {

    private Hub hub;
    private TestServer server;
    private WebSocketClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(JettyOptions options) throws Exception {
        hub = Hub.builder().handler(new HubHandler() {
            @Override
            public void onText(Session session, String text) {
                session.send(Message.text(text));
            }
        }).build();
        server = TestServer.start(s -> WshubHandler.builder(s).options(options).mount("/ws", hub).build());
        client = TestClient.newJettyClient();
    }

    private TestClient connectWithDeflate() throws Exception {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.addExtensions("permessage-deflate");
        TestClient c = TestClient.connect(client, server.ws("/ws"), request);
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.sessions().size() >= 1);
        return c;
    }

    private static String compressible(int n, String seed) {
        StringBuilder b = new StringBuilder();
        while (b.length() < n) {
            b.append("{\"type\":\"tick\",\"symbol\":\"").append(seed).append("\",\"price\":").append(b.length()).append('}');
        }
        return b.substring(0, n);
    }

    @Test
    void withoutContextTakeoverTheServerSaysSoAndABroadcastCompressedOnceReachesEveryRecipientExactly() throws Exception {
        start(JettyOptions.DEFAULTS.withPermessageDeflate(true));
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(connectWithDeflate());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.sessions().size() == 5);
        String extensions = clients.get(0).session().getUpgradeResponse().getHeader("Sec-WebSocket-Extensions");
        assertThat(extensions).contains("permessage-deflate").contains("server_no_context_takeover");

        Message big = Message.text(compressible(20_000, "ACME"));
        Message small = Message.text("{\"type\":\"hi\"}"); // below the threshold: sent as it is
        hub.broadcast(big);
        hub.broadcast(small);
        hub.broadcast(big); // the same frame again: its compressed bytes are kept with it

        ByteBuffer kept = big.deflated(-1);
        assertThat(kept).isNotNull();
        assertThat(kept.remaining()).isLessThan(big.size() / 4);
        for (TestClient c : clients) {
            assertThat(c.nextText()).isEqualTo(big.text());
            assertThat(c.nextText()).isEqualTo(small.text());
            assertThat(c.nextText()).isEqualTo(big.text());
        }
    }

    @Test
    void everyRecipientGetsTheSameCompressedBytesWithRsv1AndSmallMessagesGoUncompressed() throws Exception {
        start(JettyOptions.DEFAULTS.withPermessageDeflate(true));
        List<RawPeer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawPeer p = RawPeer.connect(server.port(), "/ws", Duration.ofSeconds(5),
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
            assertThat(p.head()).contains("server_no_context_takeover");
            peers.add(p);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.sessions().size() == 3);
        Message big = Message.text(compressible(20_000, "ACME"));
        hub.broadcast(big);
        hub.broadcast(Message.text("small"));

        ByteBuffer shared = big.deflated(-1);
        byte[] expected = new byte[shared.remaining()];
        shared.get(expected);
        for (RawPeer p : peers) {
            RawPeer.RawFrame f = p.readFrame();
            assertThat(f.firstByte()).as("FIN, RSV1, text").isEqualTo(0xC1);
            assertThat(f.payload()).isEqualTo(expected);
            assertThat(inflate(f.payload())).isEqualTo(big.text());
            RawPeer.RawFrame small = p.readFrame();
            assertThat(small.firstByte()).as("FIN, text, no RSV1").isEqualTo(0x81);
            assertThat(new String(small.payload(), StandardCharsets.UTF_8)).isEqualTo("small");
            p.close();
        }
    }

    private static String inflate(byte[] deflated) throws Exception {
        Inflater inflater = new Inflater(true);
        byte[] withTail = Arrays.copyOf(deflated, deflated.length + 4);
        withTail[deflated.length + 2] = (byte) 0xff;
        withTail[deflated.length + 3] = (byte) 0xff;
        inflater.setInput(withTail);
        byte[] out = new byte[1 << 20];
        int n = inflater.inflate(out);
        inflater.end();
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void withContextTakeoverEachConnectionKeepsItsOwnContextAndEveryMessageArrivesExactly() throws Exception {
        start(JettyOptions.DEFAULTS.withDeflate(64, 9, true));
        TestClient c = connectWithDeflate();
        String extensions = c.session().getUpgradeResponse().getHeader("Sec-WebSocket-Extensions");
        assertThat(extensions).contains("permessage-deflate").doesNotContain("server_no_context_takeover");

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // similar messages: the later ones compress against the earlier ones
            sent.add(compressible(100 + i * 97, "S" + (i % 3)));
        }
        sent.add("tiny");
        for (String s : sent) {
            c.sendText(s);
        }
        for (String s : sent) {
            assertThat(c.nextText()).isEqualTo(s);
        }
    }

    @Test
    void aClientThatAsksForASmallerServerWindowGetsNoCompressionButAllItsMessages() throws Exception {
        start(JettyOptions.DEFAULTS.withPermessageDeflate(true));
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.addExtensions("permessage-deflate; server_max_window_bits=10");
        TestClient c = TestClient.connect(client, server.ws("/ws"), request);
        String extensions = c.session().getUpgradeResponse().getHeader("Sec-WebSocket-Extensions");
        assertThat(extensions == null || !extensions.contains("permessage-deflate")).isTrue();

        String text = compressible(5000, "X");
        c.sendText(text);
        assertThat(c.nextText()).isEqualTo(text);
    }

    @Test
    void compressedMessagesFromTheClientAreInflatedPerSession() throws Exception {
        start(JettyOptions.DEFAULTS.withPermessageDeflate(true));
        TestClient c = connectWithDeflate();
        String text = compressible(50_000, "IN");
        Callback.Completable sent = new Callback.Completable();
        c.session().sendText(text, sent);
        sent.get(5, TimeUnit.SECONDS);

        assertThat(c.nextText()).isEqualTo(text);
    }
}
