package io.wshub.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import io.wshub.DeliveryPolicies;
import io.wshub.DeliveryPolicy;
import io.wshub.Message;

import java.io.IOException;
import java.util.Optional;

/**
 * Decides each message's {@link Delivery} from the hub's {@link DeliveryPolicies}: its type's rule,
 * else its room's, else none (the hub's overflow policy). Called once per send or fan-out, never per
 * recipient. With no rules it reads nothing; with rules it reads the JSON message's top-level
 * {@code type} (only when there are type rules) and the conflation field, with a streaming parser
 * that skips everything else.
 */
final class Deliveries {

    /**
     * Longest field value that is a conflation key: a symbol, an id, a name. A longer one is not a
     * key (its message conflates with nothing), so a hostile sender cannot make the queues' indexes
     * hold copies of large strings.
     */
    static final int MAX_KEY_CHARS = 256;

    private static final JsonFactory JSON = new JsonFactory();

    private final DeliveryPolicies rules;

    Deliveries(DeliveryPolicies rules) {
        this.rules = rules;
    }

    /** For a message to a room's members: the type's rule, else the room's. */
    Delivery forRoom(String room, Message frame) {
        if (rules.isEmpty()) {
            return null;
        }
        String type = typeOf(frame);
        Optional<DeliveryPolicy> byType = type == null ? Optional.empty() : rules.forType(type);
        if (byType.isPresent()) {
            return delivery(byType.get(), room, type, frame);
        }
        Optional<DeliveryPolicy> byRoom = rules.forRoom(room);
        return byRoom.isPresent() ? delivery(byRoom.get(), room, "", frame) : null;
    }

    /** For a message to one session or to every session of the hub: the type's rule only. */
    Delivery forSessions(Message frame) {
        if (!rules.hasTypeRules()) {
            return null;
        }
        String type = typeOf(frame);
        Optional<DeliveryPolicy> byType = type == null ? Optional.empty() : rules.forType(type);
        return byType.isPresent() ? delivery(byType.get(), "", type, frame) : null;
    }

    private String typeOf(Message frame) {
        if (!rules.hasTypeRules()) {
            return null;
        }
        String type = topLevelScalar(frame, "type");
        return type != null && type.charAt(0) == 's' ? type.substring(1) : null;
    }

    /**
     * The message's delivery under this policy. A conflation key names where the rule came from
     * (the room, the type), so that the same symbol in two rooms, or under two rules, is two keys.
     */
    private static Delivery delivery(DeliveryPolicy policy, String room, String type, Message frame) {
        Optional<String> field = policy.conflationField();
        if (field.isEmpty()) {
            return Delivery.of(policy.overflow());
        }
        String value = topLevelScalar(frame, field.get());
        if (value == null) {
            return Delivery.of(policy.overflow());
        }
        return new Delivery(policy.overflow(), room + '\u0000' + type + '\u0000' + field.get() + '\u0000' + value);
    }

    /**
     * The value of a top-level field of a JSON object text message, tagged with its kind so that
     * {@code "1"} and {@code 1} differ ({@code s}, {@code n} or {@code b} and the text), or null: not a
     * JSON object, no such field, a value that is null, an object, an array or over
     * {@link #MAX_KEY_CHARS}. The first occurrence of a repeated field counts.
     */
    static String topLevelScalar(Message frame, String field) {
        if (!frame.isText()) {
            return null;
        }
        try (JsonParser p = JSON.createParser(new ByteBufferBackedInputStream(frame.payload()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                boolean wanted = field.equals(p.currentName());
                JsonToken value = p.nextToken();
                if (wanted) {
                    return scalar(p, value);
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // not JSON, or JSON the parser refuses: it conflates with nothing
        }
    }

    private static String scalar(JsonParser p, JsonToken value) throws IOException {
        String kind = switch (value) {
            case VALUE_STRING -> "s";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "n";
            case VALUE_TRUE, VALUE_FALSE -> "b";
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        String text = p.getText();
        return text.length() > MAX_KEY_CHARS ? null : kind + text;
    }
}
