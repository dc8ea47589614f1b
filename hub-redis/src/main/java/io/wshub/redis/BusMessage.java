package io.wshub.redis;

import io.wshub.Message;

import java.util.List;
import java.util.Map;

/**
 * What nodes tell each other over Redis pub/sub. Every message names the node that sent it, so a
 * node can skip its own publications (Redis sends them back to every subscriber, the sender
 * included). The messages that carry a frame may carry the trace context of their publication too
 * ({@code trace}: text fields such as {@code traceparent}; null when the sender sent none).
 */
sealed interface BusMessage {

    /** The node that published it. */
    String node();

    /** A hub-wide broadcast; {@code except} is the sender's session id, or null. */
    record Broadcast(String node, String except, Message frame, Map<String, String> trace) implements BusMessage {
        Broadcast(String node, String except, Message frame) {
            this(node, except, frame, null);
        }
    }

    /** A room message for the room's members; {@code except} is the sender's session id, or null. */
    record RoomMessage(String node, String room, String except, Message frame, Map<String, String> trace)
            implements BusMessage {
        RoomMessage(String node, String room, String except, Message frame) {
            this(node, room, except, frame, null);
        }
    }

    /**
     * A room message in its room's cluster-wide order, at its seq of the epoch; published by the
     * append script itself, so every node gets it in the order Redis gave the seqs. Its sender's
     * node delivers it too: it is not skipped like a node's own publications. {@code frame} is the
     * message without its position.
     */
    record Sequenced(String node, String room, String epoch, long seq, String except, Message frame,
                     Map<String, String> trace) implements BusMessage {
    }

    /**
     * A private message for one session, sent to the node that holds it; {@code positioned} when it
     * takes its place in the session's inbox there (its frame is then a JSON object without its seq).
     */
    record PrivateMessage(String node, String target, Message frame, Map<String, String> trace, boolean positioned)
            implements BusMessage {
        PrivateMessage(String node, String target, Message frame, Map<String, String> trace) {
            this(node, target, frame, trace, false);
        }

        PrivateMessage(String node, String target, Message frame) {
            this(node, target, frame, null, false);
        }
    }

    /** Changes to the publishing node's session ids and memberships, with its stamp after them. */
    record Membership(String node, Stamp stamp, List<MembershipOp> ops) implements BusMessage {
    }

    /** The node wrote all its entries afresh (it started, or came back after an outage): read them. */
    record Registered(String node, Stamp stamp) implements BusMessage {
    }

    /**
     * A node's canary to itself: it must come back through its own subscription within a bound.
     * {@code sentNanos} is the sender's clock; other nodes ignore it.
     */
    record Canary(String node, long sentNanos) implements BusMessage {
    }

    /**
     * The publishing node took this session over with its resume token (see {@code takeover.lua}):
     * the node it is sent to lets the session go without a word to its rooms.
     */
    record Moved(String node, String sessionId) implements BusMessage {
    }

    /** The node left the cluster on purpose; its entries are gone. */
    record Bye(String node, long incarnation) implements BusMessage {
    }
}
