package io.wshub;

import java.nio.ByteBuffer;

/**
 * What the application does with sessions and their messages. Every method has a default that
 * does nothing, so a handler overrides only what it needs.
 *
 * <p>Threading: the callbacks of one session never overlap and arrive in order ({@code onOpen},
 * messages, {@code onClose}; with resume on, {@code onHeld} and {@code onResumed} between them as
 * the session moves from one connection to the next; {@link #onWritabilityChanged} is the
 * exception); callbacks of different sessions run concurrently. They run on
 * transport threads: keep them quick and hand heavy work to the application's own executor. An
 * exception thrown here closes the session with 1011 and is logged once.
 */
public interface HubHandler {

    /**
     * A session opened. What it sends here is the first thing the peer receives; the session
     * becomes visible to {@link Hub#session} lookups right after this returns. Hub-wide broadcasts
     * made while it runs (by a peer it told of the session, say) reach the session too, after what it
     * sent here.
     */
    default void onOpen(Session session) {
    }

    /** A text message arrived (already checked against the size and rate limits). */
    default void onText(Session session, String text) {
    }

    /**
     * A binary message arrived. The buffer is valid only during this call: copy what you keep.
     */
    default void onBinary(Session session, ByteBuffer data) {
    }

    /**
     * Whether this hub's sessions take their messages as streams of chunks ({@link #onChunk}) instead
     * of whole ({@link #onText}, {@link #onBinary}), so that a message is never held whole, up to
     * {@link HubOptions#maxStreamBytes()}. Asked once, when the hub is built. See docs/streaming.md.
     */
    default boolean streamsMessages() {
        return false;
    }

    /**
     * Whether every callback of this handler returns without blocking: no I/O, no waiting for a
     * future, a lock held across I/O or a sleep. Asked once, when the hub is built; false by default.
     * A handler that says so lets a transport run its sessions' reads and these callbacks on its I/O
     * threads, without handing each read to another thread (hub-jetty's {@code WshubConnector}):
     * about 0.6 of the server's CPU per echo round trip. A callback that blocks anyway stalls every
     * connection that shares its I/O thread until it returns. See docs/configuration.md, "Reads in place".
     */
    default boolean neverBlocks() {
        return false;
    }

    /**
     * With {@link #streamsMessages()}: the next chunk of an inbound message, one frame's payload. The
     * session reads its next chunk only once this one is {@linkplain Chunk#release() released}, which
     * the handler may do later, from any thread (when it has passed the chunk on). A message counts
     * against the rate limit once, at its first chunk. The default releases it at once.
     */
    default void onChunk(Session session, Chunk chunk) {
        chunk.release();
    }

    /**
     * A message was refused by the rate limit and dropped. The JSON protocols answer with an
     * error frame here.
     */
    default void onRateLimited(Session session) {
    }

    /**
     * A message was refused by the rate limit and dropped, with the message itself, so that a
     * protocol can name it in its answer (the JSON protocols' error carries its {@code ref}); forwards
     * to {@link #onRateLimited(Session)} by default.
     *
     * @param text the refused message, or null when it was binary
     */
    default void onRateLimited(Session session, String text) {
        onRateLimited(session);
    }

    /**
     * The hub is shutting down and will close this session with 1001 right after this returns:
     * send a last notice here if the protocol has one.
     */
    default void onShutdown(Session session) {
    }

    /**
     * The session's outbound queue crossed a mark: it rose above its high mark (half its message or
     * byte limit: {@code writable} false), or drained below its low mark (a quarter: {@code writable}
     * true). A producer that feeds this session from its own source (a database cursor, a file)
     * pauses on false and resumes on true, as with Netty's write buffer water marks; see
     * docs/overload.md. Called once per crossing, alternating, never for the same session twice at
     * once; a rise and a drain quicker than the call may be told as nothing at all, so the last call
     * always tells the queue's state. What a resumed or recovering client is replayed from a history
     * (docs/protocol.md, "Delivery guarantees") counts toward neither mark: it never makes a session
     * unwritable.
     *
     * <p>Unlike the other callbacks it runs on the thread that moved the queue — a sender's, or the
     * hub's flush thread that wrote it — and may overlap this session's message callbacks: keep it to
     * setting a flag or waking a producer. Not called once the session is closing. A session resumed
     * on a new connection ({@link #onResumed}) starts writable, with a queue of its own, whatever the
     * last call about its old connection said.
     */
    default void onWritabilityChanged(Session session, boolean writable) {
    }

    /**
     * With resume on: the session's connection ended, not for good, and the session is held for the
     * resume window ({@link Session#isHeld()}): it keeps its id and its rooms, and nobody should be
     * told it left. {@link #onClose} follows when the window ends without a resume.
     */
    default void onHeld(Session session, CloseStatus status) {
    }

    /**
     * A new connection took the session back with its resume token (it was held, or its old
     * connection is being closed with 1000). What the handler sends here is the first thing the new
     * connection receives: the protocol's resumed welcome, with the new {@link Session#resumeToken()}.
     * Call {@link Session#awaitResume} here to replay what the client missed once it says where it
     * left off.
     */
    default void onResumed(Session session) {
    }

    /**
     * A session of another node ended without a word: that node died, and the session's resume
     * window passed without a resume (with a cluster broker whose sessions outlive their node). It
     * is gone from its rooms; this is where its departure is announced, as {@link #onClose} does
     * for a session of this node. Runs on exactly one node of the cluster, once per session, on a
     * broker thread: must not block.
     */
    default void onDeparture(Hub hub, Departure departure) {
    }

    /**
     * The session closed; it has already left every room and is gone from the hub.
     * {@link Session#rooms()} still tells which rooms it was in.
     */
    default void onClose(Session session, CloseStatus status) {
    }
}
