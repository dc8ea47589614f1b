package io.wshub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;

import java.io.UncheckedIOException;
import java.util.OptionalLong;

/** The room protocol's JSON as the room client reads and writes it (docs/protocol.md). */
final class RoomFrames {

    static final ObjectMapper JSON = new ObjectMapper();

    private RoomFrames() {
    }

    /** The frame as a JSON object, or null when it is not one (binary, not JSON, an array). */
    static ObjectNode parse(Message frame) {
        if (!frame.isText()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(frame.text());
            return node instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static Message encode(ObjectNode message) {
        try {
            return Message.utf8(JSON.writeValueAsBytes(message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // cannot happen for a tree the client built or parsed
        }
    }

    static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    static ObjectNode roomMessage(String type, String room) {
        return message(type).put("room", room);
    }

    /** A string field, or null when absent or not a string. */
    static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** A whole-number field, or empty when absent or not one. */
    static OptionalLong number(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value != null && value.canConvertToExactIntegral() && value.canConvertToLong()
                ? OptionalLong.of(value.longValue()) : OptionalLong.empty();
    }

    /** A ref as the room client writes them and as the server echoes them: a string. */
    static String ref(JsonNode message) {
        return text(message, "ref");
    }

    /** A position, {@code {"seq":S,"epoch":E}}, or null when it is not one. */
    static Position position(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        OptionalLong seq = number(node, "seq");
        String epoch = text(node, "epoch");
        return seq.isPresent() && epoch != null ? new Position(seq.getAsLong(), epoch) : null;
    }

    static ObjectNode json(Position position) {
        return JSON.createObjectNode().put("seq", position.seq()).put("epoch", position.epoch());
    }

    /** A place in a room's or an inbox's order: the last seq delivered, within an epoch. */
    record Position(long seq, String epoch) {
    }
}
