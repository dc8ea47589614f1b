package io.wshub.internal;

import io.wshub.CloseStatus;

/**
 * One session's lifecycle — opening, open, closing, closed — and the flags that go with it,
 * decided under this object's one lock. Each decision returns what the caller must do; the caller
 * does it (the I/O, the application's callbacks) after the lock is released, as Jetty's
 * {@code WebSocketSessionState} has it. The phase is also readable without the lock, for the hot
 * paths that only need to know whether the session is still open.
 */
final class SessionState {

    /** Where a session is in its life. */
    enum Phase {
        /** Admitted and connected; the application's {@code onOpen} has not returned. */
        OPENING,
        /** Visible to broadcasts and lookups, reading and writing. */
        OPEN,
        /** The hub or the application decided the end; the transport has not reported it yet. */
        CLOSING,
        /** The transport reported the end. */
        CLOSED
    }

    /** What {@link #abort} decided. */
    enum Abort {
        /** The session was already dropped: nothing to do. */
        NOTHING,
        /** Drop the connection; the session was already closing for another reason. */
        DROP,
        /** Drop the connection: this ended an opening or open session, with the given status. */
        END_AND_DROP
    }

    /** Written under the lock, read with or without it. */
    private volatile Phase phase = Phase.OPENING;
    /** Whether a lookup finds it: once {@code onOpen} returned, until the transport reports the end. */
    private volatile boolean visible;
    /** When the end was decided, and when the close frame went, in the hub's clock; 0 until then. */
    private volatile long closeRequestedNanos;
    private volatile long closeSentNanos;

    // Guarded by "this".
    /** Why the hub closed the session, when it did: reported instead of the transport's echo. */
    private CloseStatus closeStatus;
    /** The application's onOpen ran, so its onClose is owed. */
    private boolean handlerOpened;
    private boolean dropped;
    private boolean shutdownNoticed;
    private boolean readingSuspended;
    private boolean demandOwed;

    Phase phase() {
        return phase;
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

    synchronized CloseStatus closeStatus() {
        return closeStatus;
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
     * Decides the end of an opening or open session.
     *
     * @return whether this decided it (false if it was closing or closed already)
     */
    synchronized boolean close(CloseStatus status, long now) {
        if (phase != Phase.OPENING && phase != Phase.OPEN) {
            return false;
        }
        phase = Phase.CLOSING;
        closeStatus = status;
        closeRequestedNanos = now | 1;
        return true;
    }

    /** Decides that the connection is dropped now, ending the session first if nothing else has. */
    synchronized Abort abort(CloseStatus status, long now) {
        boolean ended = close(status, now);
        if (dropped || phase == Phase.CLOSED) {
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
     * The transport reported the end.
     *
     * @return the status to report (the hub's own reason when it closed the session), or null when
     *         the end was reported already
     */
    synchronized CloseStatus ended(CloseStatus transportStatus) {
        if (phase == Phase.CLOSED) {
            return null;
        }
        phase = Phase.CLOSED;
        visible = false;
        return closeStatus != null ? closeStatus : transportStatus;
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

    /** @return whether a demand was held back while suspended (the caller demands it now) */
    synchronized boolean resumeReading() {
        readingSuspended = false;
        boolean owed = demandOwed;
        demandOwed = false;
        return owed;
    }

    /**
     * The session wants the next message.
     *
     * @return whether to demand it now (false when closed, or suspended: then it is owed)
     */
    synchronized boolean mayDemand() {
        if (phase == Phase.CLOSED) {
            return false;
        }
        if (readingSuspended) {
            demandOwed = true;
            return false;
        }
        return true;
    }
}
