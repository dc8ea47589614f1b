package io.wshub.internal;

import io.wshub.CloseStatus;

/**
 * One session's lifecycle — opening, open, closing, held for resume, closed — the connection it is
 * on, and the flags that go with them, decided under this object's one lock. Each decision returns
 * what the caller must do; the caller does it (the I/O, the application's callbacks) after the lock
 * is released, as Jetty's {@code WebSocketSessionState} has it. The phase and the connection are
 * also readable without the lock, for the hot paths that only need to know where to send.
 *
 * <p>A session is on one connection at a time, its {@link SessionLink}; with resume on it may move
 * to another (a resume of a held session, or a takeover of one whose old connection is half open).
 * Every decision about a connection names the link it is about, and a link that is no longer the
 * session's gets nothing decided: what its transport still reports is ignored. (Links are only
 * compared here, so the type is a parameter, and the decisions can be tested without a session.)
 *
 * @param <L> the connection a session is on
 */
final class SessionState<L> {

    /** Where a session is in its life. */
    enum Phase {
        /** Admitted and connected; the application's {@code onOpen} has not returned. */
        OPENING,
        /** Visible to broadcasts and lookups, reading and writing. */
        OPEN,
        /** The hub or the application decided the end of its connection; the transport has not reported it yet. */
        CLOSING,
        /**
         * Its connection ended, but not for good: the session keeps its id, its rooms and its inbox
         * for the resume window, visible to lookups and room fan-outs but writing nowhere.
         */
        HELD,
        /** The session ended. */
        CLOSED
    }

    /** What {@link #abort} decided. */
    enum Abort {
        /** The connection was already dropped, or is not the session's: nothing to do. */
        NOTHING,
        /** Drop the connection; its end was already decided for another reason. */
        DROP,
        /** Drop the connection: this decided the end of an opening or open one, with the given status. */
        END_AND_DROP
    }

    /** What the transport's report of a connection's end decided. */
    record End(CloseStatus status, boolean held) {
    }

    /** Whether sessions may be held for resume at all (the resume window is on). */
    private final boolean holds;
    /** Written under the lock, read with or without it. */
    private volatile Phase phase = Phase.OPENING;
    /** The connection the session is on (the last one while held); replaced under the lock. */
    private volatile L link;
    /** Whether a lookup finds it: once {@code onOpen} returned, until the session ends. */
    private volatile boolean visible;
    /** When the end of the connection was decided, and when the close frame went, in the hub's clock; 0 until then. */
    private volatile long closeRequestedNanos;
    private volatile long closeSentNanos;
    /** When the session was last held, in the hub's clock. */
    private volatile long heldSinceNanos;

    // Guarded by "this".
    /** Why the hub closed the connection, when it did: reported instead of the transport's echo. */
    private CloseStatus closeStatus;
    /** Why the held session's connection ended: what its end reports when the window passes. */
    private CloseStatus heldStatus;
    /** The application's onOpen ran, so its onClose is owed. */
    private boolean handlerOpened;
    private boolean dropped;
    private boolean shutdownNoticed;
    private boolean readingSuspended;
    private boolean demandOwed;
    /** A resume of this session was admitted and has not opened or failed yet: its window waits. */
    private boolean resumePending;

    SessionState(boolean holds) {
        this.holds = holds;
    }

    Phase phase() {
        return phase;
    }

    /** The connection the session is on; while held, the one it was last on. */
    L link() {
        return link;
    }

    boolean isVisible() {
        return visible;
    }

    long closeRequestedNanos() {
        return closeRequestedNanos;
    }

    long closeSentNanos() {
        return closeSentNanos;
    }

    long heldSinceNanos() {
        return heldSinceNanos;
    }

    synchronized CloseStatus closeStatus() {
        return closeStatus;
    }

    /** The session's first connection. */
    synchronized void attachFirst(L first) {
        link = first;
    }

    /**
     * The application's {@code onOpen} is about to run.
     *
     * @return false when the session is already closing (the hub shut down while it connected)
     */
    synchronized boolean handlerOpening() {
        if (phase != Phase.OPENING) {
            return false;
        }
        handlerOpened = true;
        return true;
    }

    /** {@code onOpen} returned: the session is visible, and open unless it was closed meanwhile. */
    synchronized void opened() {
        visible = true;
        if (phase == Phase.OPENING) {
            phase = Phase.OPEN;
        }
    }

    /**
     * Decides the end of a connection that is opening or open.
     *
     * @param l the connection, or null for the one the session is on
     * @return the connection whose end this decided, or null (it was closing or closed already, or
     *         is no longer the session's)
     */
    synchronized L close(L l, CloseStatus status, long now) {
        L target = l == null ? link : l;
        if (target != link || (phase != Phase.OPENING && phase != Phase.OPEN)) {
            return null;
        }
        phase = Phase.CLOSING;
        closeStatus = status;
        closeRequestedNanos = now | 1;
        return target;
    }

    /** Decides that this connection is dropped now, ending it first if nothing else has. */
    synchronized Abort abort(L l, CloseStatus status, long now) {
        if (l != link) {
            return Abort.NOTHING;
        }
        boolean ended = close(l, status, now) != null;
        if (dropped || phase == Phase.CLOSED || phase == Phase.HELD) {
            return Abort.NOTHING;
        }
        dropped = true;
        return ended ? Abort.END_AND_DROP : Abort.DROP;
    }

    /** The close frame is on its way. */
    void closeSent(long now) {
        closeSentNanos = now | 1;
    }

    /**
     * The transport reported the end of this connection. With resume on the session is held, unless
     * the end was for good ({@link #endsForGood}); else it ends.
     *
     * @return the status to report (the hub's own reason when it closed the connection) and whether
     *         the session is held; null when the connection is not the session's any more, or its end
     *         was reported already
     */
    synchronized End ended(L l, CloseStatus transportStatus, long now) {
        if (l != link || phase == Phase.CLOSED || phase == Phase.HELD) {
            return null;
        }
        CloseStatus status = closeStatus != null ? closeStatus : transportStatus;
        // A session whose onOpen never ran has told its peer nothing (no token): it is not held.
        if (holds && handlerOpened && !endsForGood(status, closeStatus == null)) {
            phase = Phase.HELD;
            heldStatus = status;
            heldSinceNanos = now;
            return new End(status, true);
        }
        phase = Phase.CLOSED;
        visible = false;
        return new End(status, false);
    }

    /**
     * The held session lets go of the connection it was on: {@code replacement} (a link to nothing)
     * stands in for it, unless a resume attached a new one meanwhile.
     */
    synchronized void detach(L l, L replacement) {
        if (link == l && phase == Phase.HELD) {
            link = replacement;
        }
    }

    /**
     * Whether an end is for good rather than an accident to be resumed from: the peer's own normal
     * close (1000, or 1005 for a close frame without a code: a browser's {@code ws.close()}), or a
     * close for abuse — broken framing (1002), bad UTF-8 (1007), a message too big (1009), a policy
     * violation (1008), except the hub's own slow-consumer and write-timeout drops, which a client
     * that reads too slowly for a while comes back from.
     *
     * @param byPeer whether the peer ended it (the hub did not decide the close)
     */
    static boolean endsForGood(CloseStatus status, boolean byPeer) {
        int code = status.code();
        if (byPeer && (code == 1000 || code == 1005)) {
            return true;
        }
        if (code == 1002 || code == 1007 || code == 1009) {
            return true;
        }
        return code == 1008 && !status.equals(CloseStatus.SLOW_CONSUMER) && !status.equals(CloseStatus.WRITE_TIMEOUT);
    }

    /**
     * A resume of this session was admitted: its window waits until it opens or fails, and no
     * second resume is admitted meanwhile.
     *
     * @return whether this resume may go ahead (the session is held, or open or closing on another
     *         connection, and no other resume is pending)
     */
    synchronized boolean reserveResume() {
        if (resumePending || (phase != Phase.HELD && phase != Phase.OPEN && phase != Phase.CLOSING)) {
            return false;
        }
        resumePending = true;
        return true;
    }

    /** The admitted resume failed before it opened: the window counts on. */
    synchronized void resumeAbandoned() {
        resumePending = false;
    }

    /** What {@link #attach} decided: whether the session moved, and the connection it left, if still open. */
    record Attached<L>(boolean moved, L replaced) {
    }

    /**
     * A resume opened on a new connection: the session moves to it, open, with the flags of a fresh
     * connection (the application's suspension of reading stays). From a held session nothing is left
     * behind; from an open or closing one, the old connection is returned for the caller to close.
     */
    synchronized Attached<L> attach(L next) {
        resumePending = false;
        if (phase != Phase.HELD && phase != Phase.OPEN && phase != Phase.CLOSING) {
            return new Attached<>(false, null);
        }
        L previous = phase == Phase.HELD ? null : link;
        link = next;
        phase = Phase.OPEN;
        closeStatus = null;
        heldStatus = null;
        dropped = false;
        demandOwed = false;
        closeRequestedNanos = 0;
        closeSentNanos = 0;
        return new Attached<>(true, previous);
    }

    /**
     * The resume window may be over.
     *
     * @return the status the session's end reports when it was held longer than the window and no
     *         resume is pending (the session is now closed), else null
     */
    synchronized CloseStatus expire(long now, long windowNanos) {
        if (phase != Phase.HELD || resumePending || now - heldSinceNanos < windowNanos) {
            return null;
        }
        return endHeld();
    }

    /** Ends a held session now (the hub's shutdown is over); null when it is not held. */
    synchronized CloseStatus endHeld() {
        if (phase != Phase.HELD) {
            return null;
        }
        phase = Phase.CLOSED;
        visible = false;
        return heldStatus;
    }

    /** Whether the application's {@code onClose} is owed (its {@code onOpen} ran). */
    synchronized boolean handlerOpened() {
        return handlerOpened;
    }

    /**
     * The hub shuts down.
     *
     * @return whether this caller sends the notice: the session is open and nobody sent it yet
     */
    synchronized boolean shutdownNotice() {
        if (phase != Phase.OPEN || shutdownNoticed) {
            return false;
        }
        shutdownNoticed = true;
        return true;
    }

    synchronized void suspendReading() {
        readingSuspended = true;
    }

    /** @return the connection a demand was held back for while suspended (the caller demands it now), or null */
    synchronized L resumeReading() {
        readingSuspended = false;
        boolean owed = demandOwed;
        demandOwed = false;
        return owed ? link : null;
    }

    /**
     * This connection wants the next message.
     *
     * @return whether to demand it now (false when it ended or is not the session's, or the
     *         application suspended reading: then it is owed)
     */
    synchronized boolean mayDemand(L l) {
        if (l != link || phase == Phase.CLOSED || phase == Phase.HELD) {
            return false;
        }
        if (readingSuspended) {
            demandOwed = true;
            return false;
        }
        return true;
    }
}
