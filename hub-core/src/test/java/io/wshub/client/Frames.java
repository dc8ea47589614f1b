package io.wshub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.List;

/** What a test reads of the frames the client wrote. */
final class Frames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    static ObjectNode json(String frame) {
        try {
            return (ObjectNode) JSON.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frames without their {@code ref}, which the room client numbers itself. */
    static List<String> withoutRefs(List<String> frames) {
        return frames.stream().map(f -> {
            ObjectNode m = json(f);
            m.remove("ref");
            return m.toString();
        }).toList();
    }

    /** The frames of one type. */
    static List<ObjectNode> ofType(List<String> frames, String type) {
        return frames.stream().map(Frames::json).filter(m -> type.equals(m.path("type").asText())).toList();
    }
}
