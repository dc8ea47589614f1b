package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.testing.InMemoryClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A client of the room protocol: sends JSON objects and reads replies by type. */
final class Peer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(5);

    final InMemoryClient client;

    Peer(InMemoryClient client) {
        this.client = client;
    }

    String id() {
        return client.sessionId();
    }

    void send(String type, String... fields) {
        ObjectNode m = JSON.createObjectNode().put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            m.put(fields[i], fields[i + 1]);
        }
        client.sendText(m.toString());
    }

    void join(String room) {
        send("join_room", "room", room);
        next("room_joined");
    }

    /** The next message of this type, skipping others; fails after {@link #WAIT}. */
    JsonNode next(String type) {
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
            JsonNode node = parse(m.get().text());
            if (type.equals(node.path("type").asText())) {
                return node;
            }
            skipped.add(m.get().text());
        }
    }

    /** Every text message of this type that arrived so far, without waiting. */
    List<JsonNode> drained(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (InMemoryClient.Received m : client.drain()) {
            if (m.isText()) {
                JsonNode node = parse(m.text());
                if (type.equals(node.path("type").asText())) {
                    out.add(node);
                }
            }
        }
        return out;
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
