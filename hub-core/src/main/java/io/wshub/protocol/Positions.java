package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Position;

/**
 * Positions on the wire: {@code {"seq":S,"epoch":E}}, as {@code room_joined}, {@code welcome} and
 * {@code resume} carry them (docs/protocol.md, "Delivery guarantees").
 */
public final class Positions {

    private Positions() {
    }

    /**
     * Reads a position a client sent.
     *
     * @throws ProtocolError {@link Envelope#INVALID_FORMAT} unless it is an object with a {@code seq}
     *                       that is a whole number from 0 and an {@code epoch} of 1–64 characters
     */
    public static Position read(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new ProtocolError(Envelope.INVALID_FORMAT);
        }
        JsonNode seq = node.get("seq");
        JsonNode epoch = node.get("epoch");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0
                || epoch == null || !epoch.isTextual() || epoch.textValue().isEmpty()
                || epoch.textValue().length() > Position.MAX_EPOCH_CHARS) {
            throw new ProtocolError(Envelope.INVALID_FORMAT);
        }
        return new Position(epoch.textValue(), seq.longValue());
    }

    /** The position as the object {@code {"seq":S,"epoch":E}}. */
    public static ObjectNode write(Position position) {
        return JsonNodeFactory.instance.objectNode().put("seq", position.seq()).put("epoch", position.epoch());
    }
}
