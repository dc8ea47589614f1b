package io.wshub;

import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

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

    /** The query parameter a client takes a session back with: {@code ?resume=TOKEN} (see {@link #resumeToken()}). */
    String RESUME_PARAMETER = "resume";

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
     * Opens an outbound message sent as a stream of chunks, never held whole: it takes its place in the
     * outbound queue now (behind what is queued, ahead of what is sent later), and its chunks leave as
     * they are written to it, at most {@link HubOptions#streamWindow()} waiting. The queue's limits and
     * overflow policy do not apply to it; the write timeout does, to each stretch without progress. On
     * a session that is closed its writes fail. See docs/streaming.md.
     *
     * @param text whether the message is text (the chunks then hold UTF-8, split anywhere), else binary
     */
    OutboundStream stream(boolean text);

    /**
     * Closes the session: frames already queued are written first, then the close frame. Sends
     * after this return {@link SendResult#CLOSED}. Calling it again has no effect.
     *
     * <p>With resume on ({@link HubOptions#resumeWindow()}) the session is then held for the window,
     * as after any end its client did not ask for, unless the status is a close for abuse: 1002,
     * 1007, 1009, or 1008 (a policy violation). To end a session for good — to kick a client — close
     * it with 1008.
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
     * Whether the session is held for resume: its connection ended by accident (see
     * {@link HubOptions#resumeWindow()}), and for the window it keeps its id, its rooms and its inbox,
     * and nobody is told it left. Sends to it return {@link SendResult#CLOSED}, but private messages
     * sent with {@link Hub#sendTo(String, Positioned)} are kept in its inbox, and room messages in the
     * rooms' histories, for the client to recover when it resumes.
     */
    boolean isHeld();

    /**
     * The token that resumes this session, for the client (the room protocol's welcome carries it):
     * issued for every connection, each replacing the last, and good for one resume within the
     * window after the connection ends. Empty with resume off.
     */
    Optional<String> resumeToken();

    /**
     * Where the session's inbox of private messages stands (its epoch, and the seq of the latest),
     * for the client; empty with resume or the inbox off.
     */
    Optional<Position> inbox();

    /**
     * From {@link HubHandler#onResumed} only: the client will say where it left off with
     * {@link #resume}; until it does (for at most the handshake timeout) the session's room traffic
     * and inbox wait, while hub-wide traffic and what the application sends flow. {@code answer}
     * builds the frame that tells the client what was recovered; it is sent first, then what the
     * client missed, then what waited, then live traffic, with no gap and no duplicate. It runs under
     * a hub lock: keep it to building the message. Without this call a resumed session's traffic
     * flows as soon as {@code onResumed} returns, and nothing is replayed.
     *
     * @return false when called anywhere but in {@code onResumed}
     */
    boolean awaitResume(Function<Resumption, Message> answer);

    /**
     * The client says where it left off, after a resume (see {@link #awaitResume}): the position it
     * saw last in each room, and in its inbox. Each room the session is in whose history still
     * reaches the message after the client's position, in the same epoch, is recovered; the answer,
     * the replays and the traffic that waited follow, in that order.
     *
     * @param rooms the client's position in each room (rooms it names but is not in are left out)
     * @param inbox the client's position in its inbox, or null
     * @return false when no resume is awaited (a fresh session, or it was answered already: by an
     *         earlier {@code resume}, or by the handshake timeout, with nothing recovered)
     */
    boolean resume(Map<String, Position> rooms, Position inbox);

    /**
     * Whether the outbound queue is not behind: false from when it rose above its high mark (half
     * of its message or byte limit) until it drained below its low mark (a quarter). A producer can
     * ask before sending optional data (a cheap read, no lock), or hear each change in
     * {@link HubHandler#onWritabilityChanged}. Replays of what a resuming client missed count toward
     * neither mark.
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
