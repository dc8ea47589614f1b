package io.wshub.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;
import io.wshub.Positioned;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The JSON envelope: one JSON object with a string {@code type}. Parses untrusted text strictly,
 * builds and encodes replies, and holds the protocol's error texts.
 */
public final class Envelope {

    /** Not a JSON object, or a binary frame. */
    public static final String INVALID_FORMAT = "Invalid message format";
    /** {@code type} absent, empty or not a string. */
    public static final String MISSING_TYPE = "Missing message type";
    /** Prefix of the error for a type no handler knows; the type follows. */
    public static final String UNKNOWN_TYPE = "Unknown message type: ";
    /** A room name that is not 1–64 of {@code [A-Za-z0-9_.:-]}, or not a string. */
    public static final String INVALID_ROOM = "Invalid room name";
    /** A room message or leave for a room the sender is not in. */
    public static final String NOT_IN_ROOM = "Not in room";
    /** A private message to an unknown, missing or non-string target. */
    public static final String USER_NOT_FOUND = "User not found";
    /** The sender is over its rate limit; the message was dropped. */
    public static final String RATE_LIMIT_EXCEEDED = "Rate limit exceeded";

    /** Longest unknown type echoed back in full; a longer one is cut, so an error stays small. */
    static final int MAX_ECHOED_TYPE_CHARS = 128;

    /**
     * Strict about what arrives (no trailing garbage) and faithful to what is relayed (decimals
     * as BigDecimal, so 0.1000000000000000000001 is passed on unchanged).
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Error frames for the fixed texts, encoded once. */
    private static final Map<String, Message> ERROR_FRAMES = Map.of(
            INVALID_FORMAT, encodeError(INVALID_FORMAT),
            MISSING_TYPE, encodeError(MISSING_TYPE),
            INVALID_ROOM, encodeError(INVALID_ROOM),
            NOT_IN_ROOM, encodeError(NOT_IN_ROOM),
            USER_NOT_FOUND, encodeError(USER_NOT_FOUND),
            RATE_LIMIT_EXCEEDED, encodeError(RATE_LIMIT_EXCEEDED));

    private Envelope() {
    }

    /**
     * Parses a text message into a JSON object with a string type.
     *
     * @throws ProtocolError {@link #INVALID_FORMAT} or {@link #MISSING_TYPE}
     */
    public static ObjectNode parse(String text) {
        ObjectNode object = parseObject(text);
        requireType(object);
        return object;
    }

    /**
     * Parses a text message into a JSON object, whatever its type.
     *
     * @throws ProtocolError {@link #INVALID_FORMAT}
     */
    static ObjectNode parseObject(String text) {
        if (!startsLikeAnObject(text)) {
            // Refused before Jackson sees it: a parse error costs an exception with a stack trace.
            throw new ProtocolError(INVALID_FORMAT);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException | NumberFormatException e) {
            // Jackson parses big decimals lazily and reports one it cannot hold (1e9999999999: the
            // exponent overflows an int) with a bare NumberFormatException, outside its own hierarchy.
            throw new ProtocolError(INVALID_FORMAT);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProtocolError(INVALID_FORMAT);
        }
        return object;
    }

    /**
     * The object's type.
     *
     * @throws ProtocolError {@link #MISSING_TYPE} when absent, empty or not a string
     */
    static String requireType(ObjectNode object) {
        JsonNode type = object.get("type");
        if (type == null || !type.isTextual() || type.textValue().isEmpty()) {
            throw new ProtocolError(MISSING_TYPE);
        }
        return type.textValue();
    }

    /** Whether the first character after JSON whitespace is '{'. */
    private static boolean startsLikeAnObject(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '{';
            }
        }
        return false;
    }

    /** The message's type; only for objects that passed {@link #parse}. */
    public static String type(ObjectNode message) {
        return message.get("type").textValue();
    }

    /** A new object {@code {"type":type}} to add fields to. */
    public static ObjectNode message(String type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        return node;
    }

    /** Encodes a JSON value as a text frame, once, for any number of recipients. */
    public static Message encode(JsonNode node) {
        try {
            return Message.utf8(JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always encodes", e);
        }
    }

    /**
     * The object as a message that takes its place in a history ({@link io.wshub.Rooms#publish},
     * {@link io.wshub.Hub#sendTo(String, io.wshub.Positioned)}): encoded once, here, and given its
     * position as a last field {@code "seq":N} when it gets one. A {@code seq} the object already has
     * (a client's own) is removed, as the server's {@code from} replaces a client's.
     */
    public static Positioned positioned(ObjectNode message) {
        message.remove("seq");
        try {
            return new SeqField(JSON.writeValueAsBytes(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always encodes", e);
        }
    }

    /**
     * A message {@link #positioned(ObjectNode)} made, from its {@code unpositioned()} form as it
     * crossed to another node or a store, that takes its position again: the JSON object's bytes, as
     * they are, with {@code "seq":N} as a last field.
     *
     * @throws IllegalArgumentException when the message is not a JSON object's text
     */
    public static Positioned positionedFrom(Message unpositioned) {
        if (!unpositioned.isText() || unpositioned.size() < 2) {
            throw new IllegalArgumentException("not a JSON object's text: " + unpositioned);
        }
        ByteBuffer payload = unpositioned.payload();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        if (bytes[0] != '{' || bytes[bytes.length - 1] != '}') {
            throw new IllegalArgumentException("not a JSON object's text: " + unpositioned);
        }
        return new SeqField(bytes);
    }

    /** The error frame {@code {"type":"error","error":text}}. */
    public static Message error(String text) {
        Message fixed = ERROR_FRAMES.get(text);
        return fixed != null ? fixed : encodeError(text);
    }

    private static Message encodeError(String text) {
        return encode(message("error").put("error", text));
    }

    /** The error for an unknown type, cut to a sane length when the type is huge. */
    static String unknownType(String type) {
        if (type.length() <= MAX_ECHOED_TYPE_CHARS) {
            return UNKNOWN_TYPE + type;
        }
        int cut = MAX_ECHOED_TYPE_CHARS;
        if (Character.isHighSurrogate(type.charAt(cut - 1))) {
            cut--; // never split a character in two: half of one is not valid Unicode
        }
        return UNKNOWN_TYPE + type.substring(0, cut) + "…";
    }
}
