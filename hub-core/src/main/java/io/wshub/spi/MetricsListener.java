package io.wshub.spi;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.Handshake;
import io.wshub.OverflowPolicy;
import io.wshub.Session;

import java.time.Duration;

/**
 * Hears what the hub does, for a metrics binding (Micrometer, OpenTelemetry). The hub keeps its
 * own counters in {@link io.wshub.HubStats}; this listener is for exporting them as they happen.
 *
 * <p>Methods are called on hot paths from many threads: they must be quick, thread-safe and must
 * not block. An exception thrown here is logged and otherwise ignored.
 *
 * <p>Where an event has a form with more detail (the message kind, say), that form's default
 * forwards to the plainer one, so a listener written against the plainer one hears it whichever
 * form the hub calls. Durations on hot paths are given in nanoseconds, so that no object is made per event.
 */
public interface MetricsListener {

    /** Listens to nothing. */
    MetricsListener NONE = new MetricsListener() {
    };

    /** A session opened. */
    default void sessionOpened(Session session) {
    }

    /** A session closed after being open this long. */
    default void sessionClosed(Session session, CloseStatus status, Duration connectedFor) {
    }

    /** With resume on: a session's connection ended, not for good, and the session is held for the window. */
    default void sessionHeld(Session session, CloseStatus status) {
    }

    /**
     * A new connection took a session back with its token: a held one, or ({@code tookOver}) one
     * whose old connection was still open.
     */
    default void sessionResumed(Session session, boolean tookOver) {
    }

    /** An inbound message of this size arrived. */
    default void messageReceived(Session session, int bytes) {
    }

    /** One write to the transport completed, carrying this many messages and bytes. */
    default void messagesWritten(Session session, int messages, long bytes) {
    }

    /** The overflow policy discarded a message. */
    default void messageDropped(Session session, OverflowPolicy policy) {
    }

    /** A session was disconnected as a slow consumer (queue overflow or write timeout). */
    default void slowConsumerDisconnected(Session session, CloseStatus status) {
    }

    /** An inbound message was refused by the rate limit. */
    default void rateLimited(Session session) {
    }

    /** An error happened; {@code session} is null when no session is involved. */
    default void error(ErrorKind kind, Session session, String detail) {
    }

    /** An upgrade request was refused with this HTTP status and reason, before any session existed. */
    default void upgradeRefused(Handshake handshake, int status, String reason) {
    }

    /**
     * An inbound message of this kind and size arrived; forwards to
     * {@link #messageReceived(Session, int)} by default.
     *
     * @param binary whether it was a binary message (else text)
     */
    default void messageReceived(Session session, boolean binary, int bytes) {
        messageReceived(session, bytes);
    }

    /**
     * One write to the transport completed, carrying these messages of each kind and this many
     * bytes in all; forwards to {@link #messagesWritten(Session, int, long)} by default.
     */
    default void messagesWritten(Session session, int textMessages, int binaryMessages, long bytes) {
        messagesWritten(session, textMessages + binaryMessages, bytes);
    }

    /**
     * The application's handler took this long with one inbound message.
     *
     * @param type  the message's type as the protocol names it ({@code join_room}, say), or null
     *              when the message has none (a raw frame, one that did not parse)
     * @param nanos how long the handler ran
     */
    default void messageHandled(Session session, String type, long nanos) {
    }

    /**
     * How long the oldest message waiting in any of the hub's outbound queues has waited, 0 when
     * every queue is empty; reported at each tick of the hub's timer.
     */
    default void oldestQueuedMessageAge(long nanos) {
    }

    /** A publish to the other nodes through the broker succeeded, or failed. */
    default void brokerPublished(boolean succeeded) {
    }

    /** The broker's canary (a message the node sends itself through the broker) came back after this long. */
    default void brokerCanaryAnswered(long roundTripNanos) {
    }

    /**
     * The broker's circuit breaker named {@code breaker} is in this state now: heard once when the
     * broker starts and on every change.
     */
    default void brokerBreakerState(String breaker, Broker.BreakerState state) {
    }

    /** A call through the broker's circuit breaker named {@code breaker} ended this way. */
    default void brokerBreakerCall(String breaker, Broker.BreakerCall outcome) {
    }
}
