package io.wshub.examples;

import io.wshub.CloseStatus;
import io.wshub.jetty.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.wshub.examples.ServerFixture.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

/** The echo server: the JSON echo protocol on /ws, every frame returned unchanged on /echo. */
class EchoServerTest {

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
            TestClient.Message m = c.next(TestClient.TIMEOUT);
            assertThat(m.isText()).isFalse();
            assertThat(m.binary()).isEqualTo(data);
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
