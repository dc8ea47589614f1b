package io.wshub;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which {@link DeliveryPolicy} the messages of a room or of a message type get, in place of the
 * hub's {@link HubOptions#overflowPolicy()} (docs/overload.md). Immutable: each {@code with…}
 * returns a new set of rules; give them to {@link HubOptions.Builder#deliveryPolicies}.
 *
 * <pre>{@code
 * DeliveryPolicies policies = DeliveryPolicies.NONE
 *         .withRoom("ticker.*", DeliveryPolicy.conflate("symbol")) // the latest price per symbol
 *         .withType("typing", DeliveryPolicy.DROP_NEWEST);          // optional, wherever it goes
 * }</pre>
 *
 * <p>A message's policy is, in this order: its type's rule (the top-level {@code type} field of a
 * JSON text message), the rule of the room it is sent to, the hub's overflow policy. Among rules of
 * one kind the first one that matches wins, in the order they were added. A room pattern matches the
 * whole room name, with {@code *} standing for any run of characters ({@code *} alone: every room).
 */
public final class DeliveryPolicies {

    /** No rules: every message gets the hub's overflow policy. */
    public static final DeliveryPolicies NONE = new DeliveryPolicies(List.of(), List.of());

    /** One rule: a room pattern or a type, and its policy. */
    private record Rule(String match, DeliveryPolicy policy) {
    }

    private final List<Rule> rooms;
    private final List<Rule> types;

    private DeliveryPolicies(List<Rule> rooms, List<Rule> types) {
        this.rooms = rooms;
        this.types = types;
    }

    /**
     * These rules and one more for the rooms whose names match {@code pattern}.
     *
     * @throws IllegalArgumentException for an empty pattern
     */
    public DeliveryPolicies withRoom(String pattern, DeliveryPolicy policy) {
        return new DeliveryPolicies(plus(rooms, "room pattern", pattern, policy), types);
    }

    /**
     * These rules and one more for the messages of this type.
     *
     * @throws IllegalArgumentException for an empty type
     */
    public DeliveryPolicies withType(String type, DeliveryPolicy policy) {
        return new DeliveryPolicies(rooms, plus(types, "message type", type, policy));
    }

    /** The policy of the first room rule whose pattern matches the room's name, if any. */
    public Optional<DeliveryPolicy> forRoom(String room) {
        for (Rule r : rooms) {
            if (matches(r.match, room)) {
                return Optional.of(r.policy);
            }
        }
        return Optional.empty();
    }

    /** The policy of the first rule for this message type, if any. */
    public Optional<DeliveryPolicy> forType(String type) {
        for (Rule r : types) {
            if (r.match.equals(type)) {
                return Optional.of(r.policy);
            }
        }
        return Optional.empty();
    }

    /** Whether there is no rule at all. */
    public boolean isEmpty() {
        return rooms.isEmpty() && types.isEmpty();
    }

    /** Whether there is a rule by message type (only then does the hub read a message's type). */
    public boolean hasTypeRules() {
        return !types.isEmpty();
    }

    private static List<Rule> plus(List<Rule> rules, String what, String match, DeliveryPolicy policy) {
        Objects.requireNonNull(match, what);
        Objects.requireNonNull(policy, "policy");
        if (match.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        List<Rule> next = new ArrayList<>(rules);
        next.add(new Rule(match, policy));
        return List.copyOf(next);
    }

    /** Whether {@code name} matches {@code pattern} whole, {@code *} matching any run of characters. */
    static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = n;
            } else if (p < pattern.length() && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1; // let the last star take one more character
                n = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeliveryPolicies d && d.rooms.equals(rooms) && d.types.equals(types);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rooms, types);
    }

    /** The rules, rooms then types: {@code rooms[ticker.*=conflate:symbol] types[typing=drop_newest]}. */
    @Override
    public String toString() {
        return "rooms" + render(rooms) + " types" + render(types);
    }

    private static String render(List<Rule> rules) {
        StringBuilder b = new StringBuilder("[");
        for (Rule r : rules) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(r.match).append('=').append(r.policy);
        }
        return b.append(']').toString();
    }
}
