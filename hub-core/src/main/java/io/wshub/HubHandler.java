package io.wshub;

import java.nio.ByteBuffer;

/**
 * What the application does with sessions and their messages. Every method has a default that
 * does nothing, so a handler overrides only what it needs.
 *
 * <p>Threading: the callbacks of one session never overlap and arrive in order ({@code onOpen},
 * messages, {@code onClose}; {@link #onWritabilityChanged} is the exception); callbacks of different sessions run concurrently. They run on
 * transport threads: keep them quick and hand heavy work to the application's own executor. An
 * exception thrown here closes the session with 1011 and is logged once.
 */
public interface HubHandler {

    /**
     * A session opened. What it sends here is the first thing the peer receives; the session
     * becomes visible to broadcasts and {@link Hub#session} lookups right after this returns.
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
     * A message was refused by the rate limit and dropped. The JSON protocols answer with an
     * error frame here.
     */
    default void onRateLimited(Session session) {
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
     * always tells the queue's state.
     *
     * <p>Unlike the other callbacks it runs on the thread that moved the queue — a sender's, or the
     * hub's flush thread that wrote it — and may overlap this session's message callbacks: keep it to
     * setting a flag or waking a producer. Not called once the session is closing.
     */
    default void onWritabilityChanged(Session session, boolean writable) {
    }

    /**
     * The session closed; it has already left every room and is gone from the hub.
     * {@link Session#rooms()} still tells which rooms it was in.
     */
    default void onClose(Session session, CloseStatus status) {
    }
}
