package io.wshub.examples;

import io.wshub.CloseStatus;
import io.wshub.jetty.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.wshub.examples.ServerFixture.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

/** The echo server: the JSON echo protocol on /ws, every frame returned unchanged on /echo. */
class EchoServerTest {

    private static final long WAIT = TestClient.TIMEOUT.toSeconds();

    private ServerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ECHO);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static String j(String json) {
        return json.replace('\'', '"');
    }

    private TestClient json() throws Exception {
        TestClient c = fixture.connect("/ws");
        assertJson(c.nextText(), j("{'type':'welcome','content':'Connected to WebSocket server'}"));
        return c;
    }

    @Test
    void theJsonPathWelcomesWithoutAnIdAndEchoesTheSameObject() throws Exception {
        TestClient c = json();
        String echo = j("{'type':'echo','content':'hello','data':{'list':[1,2.50,'x'],'deep':{'é':null}},'more':false}");
        c.sendText(echo);
        assertJson(c.nextText(), echo);
    }

    @Test
    void theJsonPathAnswersPingWithPong() throws Exception {
        TestClient c = json();
        c.sendText(j("{'type':'ping'}"));
        assertJson(c.nextText(), j("{'type':'pong'}"));
    }

    @Test
    void theJsonPathAnswersAnythingElseWithTheProtocolsErrors() throws Exception {
        TestClient c = json();
        c.sendText("not json");
        assertJson(c.nextText(), j("{'type':'error','error':'Invalid message format'}"));
        c.sendBinary(new byte[] {1, 2});
        assertJson(c.nextText(), j("{'type':'error','error':'Invalid message format'}"));
        c.sendText(j("{'content':'x'}"));
        assertJson(c.nextText(), j("{'type':'error','error':'Missing message type'}"));
        c.sendText(j("{'type':'join_room','room':'r'}"));
        assertJson(c.nextText(), j("{'type':'error','error':'Unknown message type: join_room'}"));
        c.sendText(j("{'type':'echo','content':'still open'}"));
        assertJson(c.nextText(), j("{'type':'echo','content':'still open'}"));
    }

    @Test
    void theRawPathReturnsTextUnchanged() throws Exception {
        TestClient c = fixture.connect("/echo");
        for (String text : new String[] {"hello", "", "{\"type\":\"not parsed\"}", "ünïcödé ✓ 😀", "x".repeat(100_000)}) {
            c.sendText(text);
            assertThat(c.nextText()).isEqualTo(text);
        }
    }

    @Test
    void theRawPathReturnsBinaryUnchanged() throws Exception {
        TestClient c = fixture.connect("/echo");
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        for (byte[] data : new byte[][] {all, new byte[0], new byte[200_000]}) {
            c.sendBinary(data);
            TestClient.Received m = c.next(TestClient.TIMEOUT);
            assertThat(m.isText()).isFalse();
            assertThat(m.binary()).isEqualTo(data);
        }
    }

    @Test
    void anotherClientTheJdksOwnWebSocketGetsEveryFrameBackAndItsPong() throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(fixture.ws("/echo"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();
                    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] chunk = new byte[data.remaining()];
                        data.get(chunk);
                        binary.writeBytes(chunk);
                        if (last) {
                            received.add(binary.toByteArray());
                            binary.reset();
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
                        received.add("pong:" + StandardCharsets.UTF_8.decode(message));
                        w.request(1);
                        return null;
                    }
                }).get(WAIT, TimeUnit.SECONDS);
        try {
            ws.sendText("ünïcödé ✓", true).get(WAIT, TimeUnit.SECONDS);
            assertThat(received.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("ünïcödé ✓");
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(WAIT, TimeUnit.SECONDS);
            assertThat((byte[]) received.poll(WAIT, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
            ws.sendText("frag", false).get(WAIT, TimeUnit.SECONDS);
            ws.sendText("mented", true).get(WAIT, TimeUnit.SECONDS);
            assertThat(received.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("fragmented");
            ws.sendPing(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8))).get(WAIT, TimeUnit.SECONDS);
            assertThat(received.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("pong:hi");
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT, TimeUnit.SECONDS);
        }
    }

    @Test
    void onShutdownTheJsonPathGetsTheNoticeAndTheRawPathOnlyTheClose() throws Exception {
        TestClient jsonClient = json();
        TestClient raw = fixture.connect("/echo");

        fixture.stopServer();

        assertJson(jsonClient.nextText(), j("{'type':'server_shutdown','message':'Server is shutting down'}"));
        assertThat(jsonClient.awaitClose()).isEqualTo(new CloseStatus(1001, "Server shutdown"));
        assertThat(raw.awaitClose()).isEqualTo(new CloseStatus(1001, "Server shutdown"));
        raw.expectNoMessage(Duration.ZERO);
    }
}
