package io.wshub.protocol;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubOptions;
import io.wshub.testing.Peer;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static io.wshub.testing.Peer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Bad input never escapes as an exception into the transport: each kind gets its error
 * frame from docs/protocol.md, is counted as an invalid message, and leaves the connection usable. Only
 * a message over the size limit ends the connection, with 1009.
 */
class BadInputTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    /** The default largest message (docs/protocol.md): 512 KiB. */
    private static final int MAX_MESSAGE = 512 * KIB;

    private HubFixture server;
    private Peer alice;
    private Peer bob;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private void start(HubFixture hub) {
        server = hub;
        List<Peer> peers = server.settledPeers("alice", "bob");
        alice = peers.get(0);
        bob = peers.get(1);
    }

    @Test
    void anObjectAfterJsonWhitespaceIsStillAMessage() {
        start(HubFixture.rooms());
        alice.send(" \r\n\t{\"type\":\"ping\"}");
        alice.expect("{\"type\":\"pong\"}");
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isZero();
    }

    /** Sends the input, expects this error, and checks that nothing else happened. */
    private void assertRefused(String input, String error) {
        alice.send(input);

        alice.expectError(error);
        alice.expectOnlyPong();
        bob.expectOnlyPong();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
        assertThat(server.errors(ErrorKind.HANDLER)).isZero();
        assertThat(alice.client().isClosed()).isFalse();
    }

    static Stream<Arguments> badInputs() {
        String invalid = "Invalid message format";
        return Stream.of(
                arguments("not JSON", "hello", invalid),
                arguments("half an object", "{\"type\":\"ping\"", invalid),
                arguments("single quotes", "{'type':'ping'}", invalid),
                arguments("a comment", "{\"type\":\"ping\"/* hi */}", invalid),
                arguments("NaN", "{\"type\":\"ping\",\"n\":NaN}", invalid),
                arguments("an array", "[{\"type\":\"ping\"}]", invalid),
                arguments("an empty array", "[]", invalid),
                arguments("a number", "42", invalid),
                arguments("a string", "\"ping\"", invalid),
                arguments("a boolean", "true", invalid),
                arguments("null", "null", invalid),
                arguments("empty text", "", invalid),
                arguments("only whitespace", " \n\t ", invalid),
                arguments("trailing garbage", "{\"type\":\"ping\"} trailing", invalid),
                arguments("two objects", "{\"type\":\"ping\"}{\"type\":\"ping\"}", invalid),
                arguments("100 000 nested arrays", "[".repeat(100_000), invalid),
                arguments("100 000 nested arrays, closed", "[".repeat(100_000) + "]".repeat(100_000), invalid),
                arguments("an object nested 50 000 deep", "{\"type\":\"broadcast\",\"data\":"
                        + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_001), invalid),
                arguments("a number with an exponent no decimal can hold", "{\"type\":\"broadcast\",\"n\":1e9999999999}", invalid),
                arguments("a number too small for any decimal", "{\"type\":\"broadcast\",\"n\":1.5e-9999999999}", invalid),
                arguments("no type", "{\"room\":\"lobby\"}", "Missing message type"),
                arguments("an empty type", "{\"type\":\"\"}", "Missing message type"),
                arguments("a numeric type", "{\"type\":1}", "Missing message type"),
                arguments("an object as type", "{\"type\":{}}", "Missing message type"),
                arguments("an unknown type", "{\"type\":\"hack\"}", "Unknown message type: hack"),
                arguments("a room given as a number", "{\"type\":\"join_room\",\"room\":42}", "Invalid room name"),
                arguments("a room given as an array", "{\"type\":\"room_message\",\"room\":[\"lobby\"]}", "Invalid room name"),
                arguments("an invalid room name", "{\"type\":\"join_room\",\"room\":\"../etc\"}", "Invalid room name"),
                arguments("an unknown target", "{\"type\":\"private_message\",\"to\":\"ghost\",\"content\":\"x\"}", "User not found"),
                arguments("a numeric target", "{\"type\":\"private_message\",\"to\":1}", "User not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsItsErrorFrameAndLeavesTheConnectionUsable(String what, String input, String error) {
        start(HubFixture.rooms());

        assertRefused(input, error);
    }

    @Test
    void aBinaryFrameOnTheJsonPathIsAnInvalidMessage() {
        start(HubFixture.rooms());
        alice.client().sendBinary(new byte[] {'{', '}', 0, (byte) 0xff});

        alice.expectError("Invalid message format");
        alice.expectOnlyPong();
        bob.expectOnlyPong();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
    }

    @Test
    void aMessageOfExactlyTheMaximumSizeIsHandled() {
        start(HubFixture.rooms());
        String ping = "{\"type\":\"ping\",\"pad\":\"\"}";
        // Two-byte characters: the limit is in UTF-8 bytes, not in characters.
        String padding = "\u00e9".repeat((MAX_MESSAGE - ping.length()) / 2) + "x".repeat((MAX_MESSAGE - ping.length()) % 2);
        String atLimit = "{\"type\":\"ping\",\"pad\":\"" + padding + "\"}";
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_MESSAGE);

        alice.send(atLimit);

        alice.expect("{\"type\":\"pong\"}");
        assertThat(alice.client().isClosed()).isFalse();
    }

    @Test
    void aMessageOneByteOverTheMaximumClosesWith1009() {
        start(HubFixture.rooms());
        String ping = "{\"type\":\"ping\",\"pad\":\"\"}";
        // Fewer characters than the limit, one byte more than it in UTF-8.
        String overLimit = "{\"type\":\"ping\",\"pad\":\"" + "\u00e9".repeat((MAX_MESSAGE - ping.length()) / 2)
                + "x".repeat((MAX_MESSAGE - ping.length()) % 2 + 1) + "\"}";
        assertThat(overLimit.length()).isLessThan(MAX_MESSAGE);

        alice.send(overLimit);

        assertThat(alice.client().awaitClose(WAIT)).isEqualTo(new CloseStatus(1009, "Message too big"));
        alice.expectNothing();
        assertThat(server.errors(ErrorKind.MESSAGE_TOO_BIG)).isEqualTo(1);
        bob.expect("{\"type\":\"user_left\",\"id\":\"alice\"}");
        bob.expectOnlyPong();
    }

    @Test
    void aOneMebibyteStringClosesWith1009UnderTheDefaultLimit() {
        start(HubFixture.rooms());

        alice.send("{\"type\":\"broadcast\",\"content\":\"" + "x".repeat(MIB) + "\"}");

        assertThat(alice.client().awaitClose(WAIT)).isEqualTo(new CloseStatus(1009, "Message too big"));
        bob.expect("{\"type\":\"user_left\",\"id\":\"alice\"}");
        bob.expectOnlyPong(); // the broadcast never went out
    }

    @Test
    void aOneMebibyteBinaryFrameClosesWith1009UnderTheDefaultLimit() {
        start(HubFixture.rooms());

        alice.client().sendBinary(new byte[MIB]);

        assertThat(alice.client().awaitClose(WAIT).code()).isEqualTo(1009);
    }

    private HubFixture withFourMebibyteMessages() {
        return HubFixture.rooms(HubOptions.builder().maxMessageBytes(4L * MIB).build());
    }

    @Test
    void aOneMebibyteRoomNameIsInvalidWhenSuchMessagesAreAllowed() {
        start(withFourMebibyteMessages());

        assertRefused("{\"type\":\"join_room\",\"room\":\"" + "r".repeat(MIB) + "\"}", "Invalid room name");
        assertThat(server.hub().rooms().names()).isEmpty();
    }

    @Test
    void aOneMebibyteTypeGetsABoundedUnknownTypeError() {
        start(withFourMebibyteMessages());
        String type = "t".repeat(MIB);

        alice.send("{\"type\":\"" + type + "\"}");

        String error = Peer.json(alice.next()).get("error").textValue();
        assertThat(error).startsWith("Unknown message type: tttttttt").hasSizeLessThan(256);
        alice.expectOnlyPong();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
    }

    @Test
    void aLongUnknownTypeIsCutWithoutSplittingACharacter() {
        start(HubFixture.rooms());
        String type = "a" + "\uD83D\uDE00".repeat(1000); // an odd offset puts every pair across an even cut

        alice.send("{\"type\":" + Peer.quote(type) + "}");

        String error = Peer.json(alice.next()).get("error").textValue();
        assertThat(error).startsWith("Unknown message type: a\uD83D\uDE00").hasSizeLessThan(256);
        assertThat(error.codePoints().filter(c -> Character.isSurrogate((char) c)).toArray()).as("unpaired surrogates").isEmpty();
        alice.expectOnlyPong();
    }

    @Test
    void aOneMebibyteTargetIsNotFoundWhenSuchMessagesAreAllowed() {
        start(withFourMebibyteMessages());

        assertRefused("{\"type\":\"private_message\",\"to\":\"" + "u".repeat(MIB) + "\"}", "User not found");
    }

    @Test
    void aOneMebibyteContentIsRelayedIntactWhenSuchMessagesAreAllowed() {
        start(withFourMebibyteMessages());
        String content = "\u00e9".repeat(MIB / 2);

        alice.send("{\"type\":\"broadcast\",\"content\":\"" + content + "\"}");

        assertThat(Peer.json(bob.next()).get("content").textValue()).isEqualTo(content);
        bob.expectOnlyPong();
        alice.expectOnlyPong();
    }

    @Test
    void everyRefusalIsCountedAsAnInvalidMessage() {
        start(HubFixture.rooms());
        List<Arguments> inputs = badInputs().toList();

        for (Arguments each : inputs) {
            alice.send((String) each.get()[1]);
            alice.expectError((String) each.get()[2]);
        }

        alice.expectOnlyPong();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(inputs.size());
        assertThat(server.hub().stats().errors()).containsEntry(ErrorKind.HANDLER, 0L)
                .containsEntry(ErrorKind.MESSAGE_TOO_BIG, 0L);
    }
}
