package io.wshub.client.pool;

import io.wshub.client.ReconnectingClient;
import io.wshub.spi.Scheduler;

import java.net.URI;

/** One connection of a {@link ClientPool}: a client that never reconnects, and its place in the pool. */
final class PoolMember {

    /** Where the member is. */
    enum State {
        /** Connecting for its first borrower. */
        OPENING,
        /** In the pool, waiting for a borrower. */
        IDLE,
        /** Being pinged before it is handed out. */
        VALIDATING,
        /** Handed out. */
        BORROWED,
        /** Closed, evicted or failed; no longer in the pool. */
        GONE
    }

    final URI url;
    // Set once, right after the client is built (its callbacks may already run).
    volatile ReconnectingClient client;
    // Guarded by the pool's lock.
    State state = State.OPENING;
    Scheduler.Cancellable idleTimer;

    PoolMember(URI url) {
        this.url = url;
    }

    void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    @Override
    public String toString() {
        return "PoolMember[" + url + ", " + state + "]";
    }
}
