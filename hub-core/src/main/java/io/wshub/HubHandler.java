package io.wshub;

import java.nio.ByteBuffer;

/**
 * What the application does with sessions and their messages. Every method has a default that
 * does nothing, so a handler overrides only what it needs.
 *
 * <p>Threading: the callbacks of one session never overlap and arrive in order ({@code onOpen},
 * messages, {@code onClose}; with resume on, {@code onHeld} and {@code onResumed} between them as
 * the session moves from one connection to the next); callbacks of different sessions run
 * concurrently. They run on
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
     * The session closed; it has already left every room and is gone from the hub.
     * {@link Session#rooms()} still tells which rooms it was in.
     */
    default void onClose(Session session, CloseStatus status) {
    }
}
