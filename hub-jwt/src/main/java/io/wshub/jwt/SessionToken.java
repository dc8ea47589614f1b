package io.wshub.jwt;

import io.wshub.spi.Scheduler;

import java.time.Instant;

/**
 * One session's current token and its expiry check: kept in the session's attributes. A refresh
 * (on the session's handler thread) and the check (on the timer's) meet here, under its lock.
 */
final class SessionToken {

    /** Guarded by this. */
    private JwtPrincipal current;
    /** The one pending expiry check, or null; guarded by this. */
    private Scheduler.Cancellable check;

    SessionToken(JwtPrincipal current) {
        this.current = current;
    }

    synchronized JwtPrincipal current() {
        return current;
    }

    /**
     * Takes a newer token: one that expires later than the current one, or never.
     *
     * @return false, changing nothing, when it is not newer
     */
    synchronized boolean refresh(JwtPrincipal next) {
        Instant now = current.expiresAt().orElse(null);
        Instant then = next.expiresAt().orElse(null);
        if (now == null || (then != null && !then.isAfter(now))) {
            return false;
        }
        current = next;
        return true;
    }

    synchronized void checking(Scheduler.Cancellable next) {
        check = next;
    }

    /** The session ended: its pending check goes, so the timer does not hold the session until its expiry. */
    synchronized void cancel() {
        if (check != null) {
            check.cancel();
            check = null;
        }
    }
}
