package io.wshub;

import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One connected peer of a {@link Hub}.
 *
 * <p>Every method is thread-safe. {@link #send} never blocks: it offers the frame to the session's
 * bounded outbound queue and returns what became of it; a single writer drains the queue, with at
 * most one write in flight on the transport. When the queue is full the hub's
 * {@link OverflowPolicy} decides.
 *
 * <p>Inbound frames of one session reach the {@link HubHandler} in order, one at a time.
 */
public interface Session {

    /** The id, unique in the hub (and across nodes when a broker says so); never changes. */
    String id();

    /** The hub this session belongs to. */
    Hub hub();

    /** Who the {@link Authenticator} said the peer is, if anyone. */
    Optional<Principal> principal();

    /** The upgrade request this session came from. */
    Handshake handshake();

    /** Application state for this session; a concurrent map, free for the application's use. */
    Map<String, Object> attributes();

    /**
     * The rooms this session is in, as an unmodifiable snapshot. After the session closed, the
     * rooms it was in when it closed (so a close handler can tell their members).
     */
    Set<String> rooms();

    /** Offers a frame to the outbound queue. Never blocks, never throws for a runtime condition. */
    SendResult send(Message frame);

    /** Offers a text message to the outbound queue. */
    default SendResult send(String text) {
        return send(Message.text(text));
    }

    /**
     * Closes the session: frames already queued are written first, then the close frame. Sends
     * after this return {@link SendResult#CLOSED}. Calling it again has no effect.
     *
     * @throws IllegalArgumentException when the status may not be sent (see {@link CloseStatus#isSendable()})
     */
    void close(CloseStatus status);

    /** Closes with this code and reason; see {@link #close(CloseStatus)}. */
    default void close(int code, String reason) {
        close(new CloseStatus(code, reason));
    }

    /** Whether the session accepts sends: it is open and no close was requested. */
    boolean isOpen();

    /**
     * Whether the outbound queue is below half of its limits; a producer can ask before sending
     * optional data (a cheap read, no lock).
     */
    boolean isWritable();

    /**
     * Stops reading from this peer: the hub stops asking the transport for messages, and TCP flow
     * control pushes back on the peer. The one message already asked for may still arrive (called
     * from this session's own handler, none does). Use it when the application cannot keep up
     * with this peer; {@link #resumeReading()} undoes it.
     */
    void suspendReading();

    /** Reads from this peer again after {@link #suspendReading()}. */
    void resumeReading();

    /** Counters of this session. */
    SessionStats stats();

    /**
     * Whether this session's message with this ref was handled, and with what seq its ack went (0
     * when none): a protocol then acknowledges a message sent again instead of handling it again
     * (docs/protocol.md, "Acks and dedupe"). The latest {@link HubOptions#dedupeWindow()} refs are
     * remembered, across resumes; a lookup that finds one counts as a duplicate in the stats.
     *
     * @param ref the ref as the protocol keys it (the room protocol tells a number from a string)
     */
    OptionalLong refHandled(String ref);

    /** Remembers that this session's message with this ref was handled, its ack carrying {@code seq} (0: none). */
    void rememberRef(String ref, long seq);
}
