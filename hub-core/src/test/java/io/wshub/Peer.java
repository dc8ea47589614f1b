package io.wshub;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.testing.InMemoryClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test's view of one client of a JSON protocol: sends text, and expects frames exactly or as
 * JSON. The in-memory transport delivers synchronously, so a frame that is due has arrived by the
 * time the action that caused it returns; {@link #WAIT} only bounds a wait that would otherwise hang.
 */
public final class Peer {

    /** Upper bound on waiting for a frame that should already be there. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    /**
     * A strict reader of what the hub sends: numbers are kept exactly (2.50 stays 2.50), and a
     * duplicate key (say, a second {@code from}) or trailing garbage fails the test.
     */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final InMemoryClient client;

    Peer(InMemoryClient client) {
        this.client = client;
    }

    /** The session id the hub gave it. */
    public String id() {
        return client.sessionId();
    }

    /** The underlying in-memory client. */
    public InMemoryClient client() {
        return client;
    }

    /** Sends a text frame. */
    public Peer send(String text) {
        client.sendText(text);
        return this;
    }

    /** The next frame, which must be text. */
    public String next() {
        return client.nextText(WAIT);
    }

    /** The next frame, which must be a JSON object. */
    public ObjectNode nextJson() {
        JsonNode node = json(next());
        assertThat(node.isObject()).as("a JSON object: %s", node).isTrue();
        return (ObjectNode) node;
    }

    /** Expects exactly this text as the next frame. */
    public void expect(String exactText) {
        assertThat(next()).isEqualTo(exactText);
    }

    /** Expects the next frame to equal this JSON, numbers exactly and fields in any order. */
    public void expectJson(String expectedJson) {
        assertThat(nextJson()).isEqualTo(json(expectedJson));
    }

    /** Expects the error frame {@code {"type":"error","error":text}}, exactly. */
    public void expectError(String text) {
        expect(error(text));
    }

    /**
     * Sends a ping and expects the pong as the very next frame: the connection is open and
     * usable, and nothing else was waiting for it.
     */
    public void expectOnlyPong() {
        send("{\"type\":\"ping\"}");
        expect("{\"type\":\"pong\"}");
    }

    /** Expects that nothing has arrived (for protocols without a ping). */
    public void expectNothing() {
        assertThat(client.drain()).as("frames received by %s", id()).isEmpty();
    }

    /** Joins a room of the room protocol, and throws away whatever has arrived. */
    public void joinRoom(String room) {
        send("{\"type\":\"join_room\",\"room\":" + quote(room) + "}");
        discardReceived();
    }

    /** Throws away whatever has arrived. */
    public void discardReceived() {
        client.drain();
    }

    /** The room server's exact welcome for this id. */
    public static String welcome(String id) {
        return "{\"type\":\"welcome\",\"id\":" + quote(id) + ",\"content\":\"Connected to WebSocket server\"}";
    }

    /** The exact error frame for this text. */
    public static String error(String text) {
        return "{\"type\":\"error\",\"error\":" + quote(text) + "}";
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        try {
            return STRICT.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Parses strictly (see {@link #STRICT}); invalid JSON fails the test. */
    public static JsonNode json(String text) {
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not strict JSON: " + e.getOriginalMessage() + " in " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " chars)";
    }

    @Override
    public String toString() {
        return "Peer[" + id() + "]";
    }
}
