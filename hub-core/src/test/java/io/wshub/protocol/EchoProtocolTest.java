package io.wshub.protocol;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubHandler;
import io.wshub.testing.Peer;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.wshub.testing.Peer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo server's {@code /ws} JSON protocol, its raw {@code /echo}, and the broadcast server's
 * raw {@code /broadcast} relay (docs/protocol.md).
 */
class EchoProtocolTest {

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private List<Peer> connect(HubHandler handler, int count) {
        server = HubFixture.with(b -> b.handler(handler));
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            peers.add(server.connect("p" + i));
        }
        return peers;
    }

    private List<Peer> jsonEcho(int count) {
        List<Peer> peers = connect(EchoProtocol.router().build(), count);
        for (Peer p : peers) {
            p.expect("{\"type\":\"welcome\",\"content\":\"Connected to WebSocket server\"}");
            p.expectOnlyPong();
        }
        return peers;
    }

    private static byte[] everyByteValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    // ---- /ws: the JSON echo ----

    @Test
    void theWelcomeComesFirstAndHasNoIdAndNoOneElseHearsOfTheNewcomer() {
        List<Peer> p = jsonEcho(1);

        Peer late = server.connect("late");

        late.expect("{\"type\":\"welcome\",\"content\":\"Connected to WebSocket server\"}");
        p.get(0).expectOnlyPong();
    }

    @Test
    void anEchoReturnsTheSameObjectToItsSenderOnly() {
        List<Peer> p = jsonEcho(2);
        String sent = "{\"type\":\"echo\",\"content\":\"h\u00e9llo \uD83D\uDE00\",\"data\":{\"price\":2.50,"
                + "\"big\":123456789012345678901234567890,\"huge\":1e400,\"list\":[1,[true,null],{}],\"unknown\":\"kept\"},"
                + "\"extra\":{\"x\":-0.5}}";

        p.get(0).send(sent);

        String echoed = p.get(0).next();
        assertThat(Peer.json(echoed)).isEqualTo(Peer.json(sent));
        assertThat(echoed).contains("2.50", "123456789012345678901234567890").doesNotContain("from");
        p.forEach(Peer::expectOnlyPong);
    }

    @Test
    void anEchoWithOnlyItsTypeComesBackAsIs() {
        List<Peer> p = jsonEcho(1);

        p.get(0).send("{\"type\":\"echo\"}");

        p.get(0).expect("{\"type\":\"echo\"}");
    }

    @Test
    void aPingIsAnsweredWithPong() {
        List<Peer> p = jsonEcho(1);

        p.get(0).send("{\"type\":\"ping\",\"content\":\"ignored\"}");

        p.get(0).expect("{\"type\":\"pong\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json|Invalid message format",
        "[1,2]|Invalid message format",
        "\"echo\"|Invalid message format",
        "{\"content\":\"x\"}|Missing message type",
        "{\"type\":\"\"}|Missing message type",
        "{\"type\":3}|Missing message type",
        "{\"type\":\"join_room\",\"room\":\"lobby\"}|Unknown message type: join_room",
        "{\"type\":\"broadcast\",\"content\":\"x\"}|Unknown message type: broadcast",
        "{\"type\":\"ECHO\"}|Unknown message type: ECHO"
    })
    void anythingElseIsAnsweredWithTheProtocolsErrorAndTheConnectionStaysOpen(String messageAndError) {
        String[] parts = messageAndError.split("\\|");
        List<Peer> p = jsonEcho(2);

        p.get(0).send(parts[0]);

        p.get(0).expectError(parts[1]);
        p.forEach(Peer::expectOnlyPong);
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
    }

    @Test
    void aBinaryFrameIsAnInvalidMessage() {
        List<Peer> p = jsonEcho(1);

        p.get(0).client().sendBinary("{\"type\":\"echo\"}".getBytes(StandardCharsets.UTF_8));

        p.get(0).expectError("Invalid message format");
        p.get(0).expectOnlyPong();
    }

    @Test
    void onShutdownAJsonClientGetsTheNoticeThenA1001Close() {
        List<Peer> p = jsonEcho(1);

        server.hub().shutdown();

        p.get(0).expect("{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}");
        assertThat(p.get(0).client().awaitClose(WAIT)).isEqualTo(new CloseStatus(1001, "Server shutdown"));
        p.get(0).expectNothing();
    }

    // ---- /echo: the raw echo ----

    @ParameterizedTest
    @ValueSource(strings = {"hello", "", "not json {", "{\"type\":\"ping\"}", "  spaced  \n", "\u00e9\u4e2d\uD83D\uDE00", "\u0000"})
    void theRawEchoReturnsEveryTextFrameUnchanged(String text) {
        List<Peer> p = connect(new RawEchoHandler(), 2);
        p.forEach(Peer::expectNothing); // no welcome on a raw path

        p.get(0).send(text);

        p.get(0).expect(text);
        p.forEach(Peer::expectNothing);
    }

    @Test
    void theRawEchoReturnsEveryBinaryFrameUnchanged() {
        List<Peer> p = connect(new RawEchoHandler(), 2);
        byte[] large = new byte[300 * 1024];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }

        for (byte[] data : List.of(everyByteValue(), new byte[0], large)) {
            p.get(0).client().sendBinary(data);

            assertThat(p.get(0).client().nextBinary(WAIT)).isEqualTo(data);
        }
        p.forEach(Peer::expectNothing);
    }

    @Test
    void theRawEchoKeepsTheOrderOfMixedFrames() {
        List<Peer> p = connect(new RawEchoHandler(), 1);

        p.get(0).send("one");
        p.get(0).client().sendBinary(new byte[] {2});
        p.get(0).send("three");

        p.get(0).expect("one");
        assertThat(p.get(0).client().nextBinary(WAIT)).containsExactly(2);
        p.get(0).expect("three");
    }

    // ---- /broadcast: the raw relay ----

    @Test
    void theRawRelayGivesEveryFrameUnchangedToEveryOtherClientButNotTheSender() {
        List<Peer> p = connect(new RawRelayHandler(), 6); // more than the hub writes inline, fewer than many
        p.forEach(Peer::expectNothing); // no welcome, no presence on a raw path
        byte[] bytes = everyByteValue();

        p.get(2).send("not even json \u00e9");
        p.get(2).client().sendBinary(bytes);
        p.get(2).send("");

        for (Peer other : p) {
            if (other != p.get(2)) {
                other.expect("not even json \u00e9");
                assertThat(other.client().nextBinary(WAIT)).isEqualTo(bytes);
                other.expect("");
            }
            other.expectNothing();
        }
    }

    @Test
    void aLoneClientsFramesOnTheRawRelayGoNowhere() {
        List<Peer> p = connect(new RawRelayHandler(), 1);

        p.get(0).send("anyone?");

        p.get(0).expectNothing();
        assertThat(p.get(0).client().isClosed()).isFalse();
        assertThat(server.hub().stats().messagesOut()).isZero();
    }

    @ParameterizedTest
    @ValueSource(classes = {RawEchoHandler.class, RawRelayHandler.class})
    void onShutdownRawClientsGetOnlyTheCloseFrame(Class<? extends HubHandler> raw) throws ReflectiveOperationException {
        List<Peer> p = connect(raw.getDeclaredConstructor().newInstance(), 2);

        server.hub().shutdown();

        for (Peer each : p) {
            assertThat(each.client().awaitClose(WAIT)).isEqualTo(new CloseStatus(1001, "Server shutdown"));
            each.expectNothing();
        }
    }
}
