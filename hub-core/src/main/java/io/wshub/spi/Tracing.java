package io.wshub.spi;

import io.wshub.Handshake;
import io.wshub.OverflowPolicy;
import io.wshub.Session;

import java.util.Map;

/**
 * Traces what the hub does, for a tracing binding ({@code hub-opentelemetry}): the upgrade, each
 * handled inbound message, each fan-out to local sessions, and each hop through the broker.
 *
 * <p>Each method that begins work returns its {@link Span}, which is current on the calling thread
 * (work the hub or the application starts meanwhile is its child) until the hub ends it, on the same
 * thread, once. {@link #NONE} and {@link Span#NONE} do nothing, so a hub without a binding makes
 * only empty calls on them: no allocation and no thread-local look-up.
 *
 * <p>Called on hot paths from many threads, inside the hub's own brackets: methods must be quick,
 * thread-safe, must not block and must not throw (as OpenTelemetry's API never does); the hub does
 * not catch what they throw.
 *
 * <p>Trace context crosses nodes as text fields ({@code traceparent}, {@code tracestate}): a
 * {@link Broker} carries the fields of {@link Span#context()} with a publication, unchanged, to the
 * other nodes' {@link Broker.Delivery}, which hands them to {@link #received}.
 */
public interface Tracing {

    /** Traces nothing: every method returns {@link Span#NONE} or does nothing. */
    Tracing NONE = new Tracing() {
    };

    /**
     * An upgrade request arrived and is being decided (origin, authentication, id, limit); its span
     * continues the trace the request names in its headers, if any.
     */
    default Span upgrade(Handshake handshake) {
        return Span.NONE;
    }

    /** The session's handler is about to get an inbound message of this kind and size. */
    default Span message(Session session, boolean binary, int bytes) {
        return Span.NONE;
    }

    /**
     * A message is being offered to this node's sessions.
     *
     * @param room the room, or null for a hub-wide broadcast
     */
    default Span fanOut(String room) {
        return Span.NONE;
    }

    /**
     * A message is being published to the other nodes through the broker; the broker carries the
     * span's {@link Span#context()}.
     *
     * @param hop         what is published
     * @param destination the room, the target session id, or null for a broadcast
     */
    default Span publish(BrokerHop hop, String destination) {
        return Span.NONE;
    }

    /**
     * A message another node published arrived through the broker and is being delivered here.
     *
     * @param carried the trace context the publishing node sent with it, or null when it sent none
     */
    default Span received(BrokerHop hop, String destination, Map<String, String> carried) {
        return Span.NONE;
    }

    /** The overflow policy discarded messages for this session, inside the current span (a fan-out, say). */
    default void dropped(Session session, OverflowPolicy policy, int messages) {
    }

    /** This session was disconnected as a slow consumer, inside the current span. */
    default void slowConsumer(Session session) {
    }

    /** What crosses the broker. */
    enum BrokerHop {
        /** A hub-wide broadcast. */
        BROADCAST,
        /** A room message. */
        ROOM,
        /** A private message to one session. */
        PRIVATE
    }

    /**
     * A unit of the hub's work, current on the thread that began it until {@link #end()}. Each
     * kind of span hears only the methods its Javadoc names for it.
     */
    interface Span {

        /** Records nothing; what the hub gets from {@link Tracing#NONE}. */
        Span NONE = new Span() {
        };

        /** Upgrade spans: accepted (the transport answers 101) for this session id. */
        default void accepted(String sessionId) {
        }

        /** Upgrade spans: refused with this HTTP status and reason. */
        default void refused(int status, String reason) {
        }

        /**
         * Message spans: the handler returned, or threw (the session then closes with 1011).
         *
         * @param type the message's type as the protocol named it, or null when it named none
         */
        default void handled(String type, boolean failed) {
        }

        /** Fan-out spans: how many of this node's sessions the message was queued for. */
        default void recipients(int queued) {
        }

        /**
         * Publish spans: the trace context for the other nodes, as text fields to carry unchanged
         * with the publication; null when there is none.
         */
        default Map<String, String> context() {
            return null;
        }

        /**
         * Ends it; what was current before it began is current again. Called once, on the thread
         * that began it.
         */
        default void end() {
        }
    }
}
