package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;

/**
 * A client message's {@code ref} (docs/protocol.md, "Acks and dedupe"): a string of 1–64 characters
 * or a number of at most 64, answered with {@code ack} or an error that carries it back, and the key
 * a session remembers it by ({@code 1} and {@code "1"} are different refs).
 */
final class Refs {

    static final int MAX_CHARS = 64;

    private Refs() {
    }

    /**
     * The message's ref, or null when it has none.
     *
     * @throws ProtocolError {@link Envelope#INVALID_FORMAT} when it is neither a string nor a number,
     *                       or longer than 64 characters
     */
    static JsonNode of(ObjectNode message) {
        JsonNode ref = message.get("ref");
        if (ref == null) {
            return null;
        }
        if (!(ref.isTextual() || ref.isNumber())) {
            throw new ProtocolError(Envelope.INVALID_FORMAT);
        }
        int length = ref.asText().length();
        if (length == 0 || length > MAX_CHARS) {
            throw new ProtocolError(Envelope.INVALID_FORMAT);
        }
        return ref;
    }

    /** The ref of a text that may not even parse (a message the rate limit refused), or null. */
    static JsonNode ofAnything(String text) {
        try {
            return of(Envelope.parseObject(text));
        } catch (ProtocolError e) {
            return null;
        }
    }

    /** The key a session remembers the ref by: its kind and its text. */
    static String key(JsonNode ref) {
        return (ref.isTextual() ? "s:" : "n:") + ref.asText();
    }

    /** {@code {"type":"ack","ref":X}}, with {@code "seq":N} when the message took a position. */
    static Message ack(JsonNode ref, long seq) {
        ObjectNode ack = Envelope.message("ack");
        ack.set("ref", ref);
        if (seq > 0) {
            ack.put("seq", seq);
        }
        return Envelope.encode(ack);
    }

    /** The error frame with the ref of the message it answers. */
    static Message error(String text, JsonNode ref) {
        if (ref == null) {
            return Envelope.error(text);
        }
        ObjectNode error = Envelope.message("error").put("error", text);
        error.set("ref", ref);
        return Envelope.encode(error);
    }
}
