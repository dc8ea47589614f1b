package io.wshub;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a session's outbound queue does with the messages of one room or one message type when the
 * session falls behind (docs/overload.md): one of the three {@link OverflowPolicy overflow policies},
 * or conflation by a field.
 *
 * <p>A conflating policy ({@link #conflate}) keeps at most one waiting message per value of a
 * top-level field of the JSON message (a price per {@code symbol}, a position per {@code player}):
 * a newer message with the same value replaces the waiting one in its place, so a slow reader of a
 * feed gets the latest state of every key and is never disconnected for being behind on it. A
 * message without the field (or not a JSON object, or binary), and one whose key does not wait yet
 * while the queue is full, is handled as {@link OverflowPolicy#DROP_OLDEST}.
 *
 * <p>Immutable; equal when they do the same.
 */
public final class DeliveryPolicy {

    /** A full queue drops the connection; the hub reports 1008 {@code Slow consumer}. */
    public static final DeliveryPolicy DISCONNECT = new DeliveryPolicy(OverflowPolicy.DISCONNECT, null);
    /** A full queue refuses the new message. */
    public static final DeliveryPolicy DROP_NEWEST = new DeliveryPolicy(OverflowPolicy.DROP_NEWEST, null);
    /** A full queue discards its oldest messages until the new one fits. */
    public static final DeliveryPolicy DROP_OLDEST = new DeliveryPolicy(OverflowPolicy.DROP_OLDEST, null);

    /** Longest field name a conflating policy may name: a JSON key, not a document. */
    static final int MAX_FIELD_CHARS = 256;

    private final OverflowPolicy overflow;
    private final String field;

    private DeliveryPolicy(OverflowPolicy overflow, String field) {
        this.overflow = overflow;
        this.field = field;
    }

    /** The policy that applies this overflow policy. */
    public static DeliveryPolicy of(OverflowPolicy overflow) {
        return switch (Objects.requireNonNull(overflow, "overflow")) {
            case DISCONNECT -> DISCONNECT;
            case DROP_NEWEST -> DROP_NEWEST;
            case DROP_OLDEST -> DROP_OLDEST;
        };
    }

    /**
     * Conflation by the value of this top-level field.
     *
     * @throws IllegalArgumentException for an empty field name or one over 256 characters
     */
    public static DeliveryPolicy conflate(String field) {
        Objects.requireNonNull(field, "field");
        if (field.isEmpty() || field.length() > MAX_FIELD_CHARS) {
            throw new IllegalArgumentException("conflate needs a field name of 1-" + MAX_FIELD_CHARS
                    + " characters, was '" + field + "'");
        }
        return new DeliveryPolicy(OverflowPolicy.DROP_OLDEST, field);
    }

    /**
     * Reads a policy as the example servers write it: {@code disconnect}, {@code drop_newest},
     * {@code drop_oldest} (any case, {@code -} or {@code _}) or {@code conflate:FIELD}.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static DeliveryPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        int colon = t.indexOf(':');
        if (colon >= 0 && t.substring(0, colon).trim().equalsIgnoreCase("conflate")) {
            return conflate(t.substring(colon + 1).trim());
        }
        switch (t.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "disconnect":
                return DISCONNECT;
            case "drop_newest":
                return DROP_NEWEST;
            case "drop_oldest":
                return DROP_OLDEST;
            default:
                throw new IllegalArgumentException("expected disconnect, drop_newest, drop_oldest or conflate:FIELD, was '"
                        + text + "'");
        }
    }

    /**
     * What a full queue does with a message this policy cannot conflate: the policy itself for the
     * three overflow policies, {@link OverflowPolicy#DROP_OLDEST} for a conflating one.
     */
    public OverflowPolicy overflow() {
        return overflow;
    }

    /** The field a conflating policy keys its messages by, or empty. */
    public Optional<String> conflationField() {
        return Optional.ofNullable(field);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeliveryPolicy p && p.overflow == overflow && Objects.equals(p.field, field);
    }

    @Override
    public int hashCode() {
        return Objects.hash(overflow, field);
    }

    /** As {@link #parse} reads it: {@code drop_oldest}, {@code conflate:symbol}. */
    @Override
    public String toString() {
        return field != null ? "conflate:" + field : overflow.name().toLowerCase(Locale.ROOT);
    }
}
