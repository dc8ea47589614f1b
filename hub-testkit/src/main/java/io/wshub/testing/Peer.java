package io.wshub.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test's view of one {@link InMemoryClient} of a JSON protocol such as the room protocol: it sends
 * text or JSON objects, and expects frames exactly, as JSON, or by their {@code type}. Every wait is
 * bounded by {@link #WAIT}. On a hub that writes on the caller's thread ({@link HubFixture}) a frame
 * that is due has arrived by the time the action that caused it returns, so {@link #next()} and
 * {@link #expectNothing()} see exactly what the hub sent; on a hub with its own threads (a broker
 * across nodes, say) {@link #next(String)} waits for a frame of the type it names.
 *
 * <pre>{@code
 * try (HubFixture server = HubFixture.rooms()) {
 *     List<Peer> peers = server.settledPeers("alice", "bob");
 *     peers.get(0).joinRoom("lobby");
 *     peers.get(1).joinRoom("lobby");
 *     peers.get(0).sendJson("room_message", "room", "lobby", "content", "hi");
 *     assertEquals("hi", peers.get(1).next("room_message").path("content").asText());
 * }
 * }</pre>
 */
public final class Peer implements AutoCloseable {

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

    /** A peer over this client. */
    public Peer(InMemoryClient client) {
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

    /**
     * Sends the JSON object {@code {"type":type, name:value, …}}, the fields given as names and
     * values in turn: {@code sendJson("join_room", "room", "lobby")}.
     */
    public Peer sendJson(String type, String... fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields come as names and values in turn: " + List.of(fields));
        }
        ObjectNode m = STRICT.createObjectNode().put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            m.put(fields[i], fields[i + 1]);
        }
        return send(m.toString());
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

    /**
     * The next JSON object whose {@code type} is this one, skipping (and dropping) the frames
     * before it; waits up to {@link #WAIT} in all.
     *
     * @throws AssertionError when none arrives in time, naming the frames it skipped
     */
    public JsonNode next(String type) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> skipped = new ArrayList<>();
        for (;;) {
            long left = deadline - System.nanoTime();
            Optional<InMemoryClient.Received> m = left > 0 ? client.poll(Duration.ofNanos(left)) : Optional.empty();
            if (m.isEmpty()) {
                throw new AssertionError(id() + ": no " + type + " within " + WAIT + "; skipped " + skipped);
            }
            if (!m.get().isText()) {
                skipped.add("binary " + m.get().binary().length + " bytes");
                continue;
            }
            JsonNode node = json(m.get().text());
            if (type.equals(node.path("type").asText())) {
                return node;
            }
            skipped.add(m.get().text());
        }
    }

    /** Every text frame of this type that has arrived so far, without waiting; the others are dropped. */
    public List<JsonNode> drained(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (InMemoryClient.Received m : client.drain()) {
            if (m.isText()) {
                JsonNode node = json(m.text());
                if (type.equals(node.path("type").asText())) {
                    out.add(node);
                }
            }
        }
        return out;
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

    /**
     * Joins a room of the room protocol: sends {@code join_room} and waits for its
     * {@code room_joined}, skipping what came before it; what comes after stays to be read.
     *
     * @return the {@code room_joined} reply, with the room's members
     */
    public JsonNode join(String room) {
        sendJson("join_room", "room", room);
        return next("room_joined");
    }

    /** Joins a room ({@link #join}), and throws away whatever else has arrived. */
    public void joinRoom(String room) {
        join(room);
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

    /** Closes the client's connection normally (1000). */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "Peer[" + id() + "]";
    }
}
