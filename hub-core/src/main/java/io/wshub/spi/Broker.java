package io.wshub.spi;

import io.wshub.HistoryLimits;
import io.wshub.Message;
import io.wshub.Position;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Carries hub-wide broadcasts, room messages and private messages to the other nodes of a
 * cluster, and keeps the cluster-wide views of session ids and room members.
 *
 * <p>The hub always delivers to its own sessions itself and then publishes; a broker delivers
 * what other nodes published to its {@link Delivery}, never a node's own publication back to it.
 * So a broker outage never stops local delivery.
 *
 * <p>Every method but {@link #claimSessionId} is called on hub or transport threads and must not
 * block on the network:
 * publish asynchronously, answer queries from local state (a cache kept current in the
 * background), and report failures by counting them and through {@link #isUp()}.
 *
 * <p>A publication may come with a trace context ({@link Tracing.Span#context()}): text fields a
 * broker carries unchanged to the other nodes and hands to their {@link Delivery}'s forms that take
 * it. A broker that does not carry them implements only the plain forms and traces end at the node.
 */
public interface Broker {

    /** Starts; other nodes' publications go to {@code delivery} from now on. Called once by the hub. */
    void start(Delivery delivery);

    /** Stops and releases resources; called once by the hub at the end of its shutdown. */
    void stop();

    /** Publishes a hub-wide broadcast for the other nodes. */
    void publishBroadcast(Message frame, String exceptSessionId);

    /** Publishes a room message for the room's members on the other nodes. */
    void publishRoom(String room, Message frame, String exceptSessionId);

    /**
     * Publishes a private message for a session that is not on this node.
     *
     * @return true if, as far as the broker knows, another node holds that session
     */
    boolean publishPrivate(String sessionId, Message frame);

    /**
     * Publishes a hub-wide broadcast with the trace context to carry (null: none); forwards to
     * {@link #publishBroadcast(Message, String)} by default.
     */
    default void publishBroadcast(Message frame, String exceptSessionId, Map<String, String> traceContext) {
        publishBroadcast(frame, exceptSessionId);
    }

    /**
     * Publishes a room message with the trace context to carry (null: none); forwards to
     * {@link #publishRoom(String, Message, String)} by default.
     */
    default void publishRoom(String room, Message frame, String exceptSessionId, Map<String, String> traceContext) {
        publishRoom(room, frame, exceptSessionId);
    }

    /**
     * Publishes a private message with the trace context to carry (null: none); forwards to
     * {@link #publishPrivate(String, Message)} by default.
     */
    default boolean publishPrivate(String sessionId, Message frame, Map<String, String> traceContext) {
        return publishPrivate(sessionId, frame);
    }

    /**
     * Publishes a private message that takes its place in the recipient's inbox
     * ({@link io.wshub.Hub#sendTo(String, io.wshub.Positioned)}): the receiving node hands it to
     * {@link Delivery#deliverPrivate(String, io.wshub.Positioned, Map)}. Publishes its unpositioned
     * form as a plain private message by default.
     */
    default boolean publishPrivate(String sessionId, io.wshub.Positioned message, Map<String, String> traceContext) {
        return publishPrivate(sessionId, message.unpositioned(), traceContext);
    }

    /**
     * Claims a session id across the cluster before a session may use it. The one call that may
     * wait on the network, because the upgrade needs the answer: keep the wait short and bounded,
     * and fail at once (throw) while the cluster is known to be unreachable; the hub then accepts
     * the id on local uniqueness and counts a broker error.
     *
     * @return false if another node holds the id
     */
    default boolean claimSessionId(String sessionId) {
        return true;
    }

    /**
     * Releases an id claimed with {@link #claimSessionId}. Only this node's own claim goes: the
     * hub also releases ids it accepted while the broker could not be asked, which another node
     * may hold by now.
     */
    default void releaseSessionId(String sessionId) {
    }

    /** A local session joined a room. */
    default void roomJoined(String room, String sessionId) {
    }

    /** A local session left a room. */
    default void roomLeft(String room, String sessionId) {
    }

    /**
     * Completes once every room message and presence event another node publishes to the room from
     * now on reaches this node's {@link Delivery}: for a broker that carries a room's messages only
     * to the nodes with members in it, once this node's subscription to the room stands, which the
     * broker then keeps until {@link #roomJoined} takes over (or, when no join follows, for a while).
     *
     * <p>The hub calls it before the first local join of a room completes, when it orders the room
     * itself (room history off, or a broker that does not {@linkplain #sequencesRooms() sequence
     * rooms}; a sequencing broker's {@link #readRoom} must wait for the same itself), and answers the
     * join only when it completed: so a joiner gets every message published after its reply. It
     * waits on the joining session's thread, bounded; when the stage fails or does not complete in
     * that time the join completes all the same and the hub counts a broker error. Must not block.
     * Completed at once by default: a broker that hands every room's messages to every node is always
     * ready.
     */
    default CompletionStage<Void> roomReady(String room) {
        return CompletableFuture.completedFuture(null);
    }

    /** The members of the room on other nodes, as far as the broker knows. */
    default Collection<String> remoteMembers(String room) {
        return List.of();
    }

    /**
     * Whether this broker gives each room one order for the whole cluster: a room's seqs are assigned
     * in one place, whichever node its senders are on. The hub then gives a positioned room message
     * no seq itself but hands it to {@link #publishSequenced}, and delivers it — on the sender's node
     * too — only when the broker hands it back through {@link Delivery#deliverSequenced}, in seq
     * order; the room's positions and history are the broker's ({@link #readRoom}). False by default:
     * each node orders its rooms itself.
     */
    default boolean sequencesRooms() {
        return false;
    }

    /**
     * Gives a room message the room's next seq across the cluster, keeps it in the room's history
     * within {@code limits}, and has every node, this one included, deliver it in seq order through
     * {@link Delivery#deliverSequenced}. Called only when {@link #sequencesRooms()}; must not block.
     *
     * @param message the message without a position, a JSON object (a {@link io.wshub.Positioned}'s
     *                {@code unpositioned()} from {@code io.wshub.protocol.Envelope#positioned})
     * @return the seq it took; completes exceptionally when it was not published (the hub then
     *         delivers it to its own members without a seq, as a broker outage never stops local
     *         delivery)
     */
    default CompletionStage<Long> publishSequenced(String room, Message message, String exceptSessionId,
                                                   HistoryLimits limits, Map<String, String> traceContext) {
        throw new UnsupportedOperationException("this broker does not sequence rooms");
    }

    /**
     * A room's position in its cluster-wide order and, when {@code since} is given, every message
     * after it, for a join or a resume. Called only when {@link #sequencesRooms()}; must not block
     * (the hub bounds its wait for the answer).
     *
     * @param since the position a client left off at, or null for the position alone
     */
    default CompletionStage<RoomRead> readRoom(String room, Position since, HistoryLimits limits) {
        throw new UnsupportedOperationException("this broker does not sequence rooms");
    }

    /**
     * What {@link #readRoom} answers.
     *
     * @param position the room's epoch and its latest seq when it was read (an epoch is made for a
     *                 room that has none, so the first message takes seq 1 of it)
     * @param after    the messages after {@code since}, oldest first, each at its seq; null when they
     *                 are not all kept (another epoch, forgotten, or beyond the latest) or none was asked
     */
    record RoomRead(Position position, List<Message> after) {
    }

    /** Whether the broker reaches the other nodes now; false makes the node report itself degraded. */
    default boolean isUp() {
        return true;
    }

    /**
     * Whether the node may take sessions as a member of its cluster: true once it has joined (its
     * subscription confirmed and its first sync with the other nodes done), and true too once the
     * broker has stopped waiting for that (a startup timeout of its own, after which the node
     * serves degraded: {@link #isUp()} stays false until it joins). Until then the hub refuses
     * upgrades with 503, so no early client misses what the other nodes already hold. Once true it
     * stays true: an outage later is {@link #isUp()}'s business, and never stops the node. Must not
     * block; a single node is always joined.
     */
    default boolean isJoined() {
        return true;
    }

    /** How a broker hands other nodes' publications to the local hub. */
    interface Delivery {

        /** A broadcast from another node: deliver to every local session but {@code exceptSessionId}. */
        void deliverBroadcast(Message frame, String exceptSessionId);

        /** A room message from another node: deliver to the room's local members but {@code exceptSessionId}. */
        void deliverRoom(String room, Message frame, String exceptSessionId);

        /**
         * A private message from another node for a session that should be here.
         *
         * @return whether that session is here
         */
        boolean deliverPrivate(String sessionId, Message frame);

        /**
         * A broadcast from another node with the trace context it carried (null: none); forwards to
         * {@link #deliverBroadcast(Message, String)} by default.
         */
        default void deliverBroadcast(Message frame, String exceptSessionId, Map<String, String> traceContext) {
            deliverBroadcast(frame, exceptSessionId);
        }

        /**
         * A room message from another node with the trace context it carried (null: none); forwards
         * to {@link #deliverRoom(String, Message, String)} by default.
         */
        default void deliverRoom(String room, Message frame, String exceptSessionId, Map<String, String> traceContext) {
            deliverRoom(room, frame, exceptSessionId);
        }

        /**
         * A private message from another node with the trace context it carried (null: none);
         * forwards to {@link #deliverPrivate(String, Message)} by default.
         */
        default boolean deliverPrivate(String sessionId, Message frame, Map<String, String> traceContext) {
            return deliverPrivate(sessionId, frame);
        }

        /**
         * A room message of a broker that {@linkplain Broker#sequencesRooms() sequences rooms}, from
         * any node (this one included), at its place in the room's order: delivered to the room's
         * local members but {@code exceptSessionId}. Called in seq order per room, on one thread.
         *
         * @param position its room's epoch and its seq
         * @param frame    the message as sent, carrying its seq
         */
        default void deliverSequenced(String room, Position position, Message frame, String exceptSessionId,
                                      Map<String, String> traceContext) {
        }

        /**
         * A private message from another node that takes its place in the session's inbox (with
         * resume on, as a private message sent on this node does): the broker rebuilds it from the
         * unpositioned form it carried. Forwards to {@link #deliverPrivate(String, Message, Map)} with
         * that form by default.
         *
         * @return whether that session is here
         */
        default boolean deliverPrivate(String sessionId, io.wshub.Positioned message, Map<String, String> traceContext) {
            return deliverPrivate(sessionId, message.unpositioned(), traceContext);
        }

        /**
         * Another node took this session over with its resume token ({@link DeliveryStore#takeOver}):
         * close its connection here, if one is still open, with 1000, and forget it without telling
         * its rooms or the application (the session lives on over there). Must not block.
         */
        default void sessionMoved(String sessionId) {
        }

        /**
         * A session of a dead node ended unresumed ({@link io.wshub.HubHandler#onDeparture}); the
         * broker tells exactly one node of the cluster. Must not block.
         */
        default void sessionDeparted(io.wshub.Departure departure) {
        }

        /** Whether a session with this id is open on this node. */
        boolean hasSession(String sessionId);

        /** Counts a failed publish or subscription in the hub's stats. */
        void reportFailure(String detail);

        /**
         * A publish to the other nodes completed, or failed (at once or later); for the metrics.
         * Called once per publish, on whichever thread learnt it: quick, and allocating nothing.
         */
        default void reportPublished(boolean succeeded) {
        }

        /**
         * The broker's canary (a message the node publishes to itself through the broker, to see
         * that its subscription still delivers) came back after this long; for the metrics.
         */
        default void reportCanaryAnswered(long roundTripNanos) {
        }

        /**
         * The broker's circuit breaker named {@code breaker} (around the calls that wait on the
         * network) is in this state now: reported once when the broker starts and on every change;
         * for the metrics.
         */
        default void reportBreakerState(String breaker, BreakerState state) {
        }

        /** A call through the broker's circuit breaker named {@code breaker} ended this way; for the metrics. */
        default void reportBreakerCall(String breaker, BreakerCall outcome) {
        }
    }

    /** The state of a broker's circuit breaker. */
    enum BreakerState {
        /** Calls go through; failures and slow calls are counted. */
        CLOSED,
        /** Too many calls failed or were slow: calls fail at once, without waiting on the network. */
        OPEN,
        /** A few probe calls go through to learn whether the other side has recovered. */
        HALF_OPEN
    }

    /** How one call through a broker's circuit breaker ended. */
    enum BreakerCall {
        /** It succeeded in time. */
        SUCCEEDED,
        /** It succeeded, slower than the breaker's slow-call threshold. */
        SLOW_SUCCEEDED,
        /** It failed (an error or a timeout). */
        FAILED,
        /** It failed, slower than the breaker's slow-call threshold (a timeout, typically). */
        SLOW_FAILED,
        /** The breaker was open: it failed at once without being made. */
        NOT_PERMITTED
    }
}
