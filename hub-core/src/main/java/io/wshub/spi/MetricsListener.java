package io.wshub.spi;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.OverflowPolicy;
import io.wshub.Session;

import java.time.Duration;

/**
 * Hears what the hub does, for a metrics binding (Micrometer, OpenTelemetry). The hub keeps its
 * own counters in {@link io.wshub.HubStats}; this listener is for exporting them as they happen.
 *
 * <p>Methods are called on hot paths from many threads: they must be quick, thread-safe and must
 * not block. An exception thrown here is logged and otherwise ignored.
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
}
