package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub's graceful shutdown: notice and 1001 to every session after its queue drains, a grace
 * period, then the connections still open are dropped; then the sessions held for resume (a 1001
 * holds them too, for a client to resume elsewhere) end, and finally the hub's own threads stop.
 */
final class ShutdownSequence {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);
    /** After dropping connections, how long transports get to report their ends before we stop anyway. */
    private static final Duration ABORT_SETTLE = Duration.ofSeconds(1);

    private final SessionRegistry registry;
    private final Scheduler scheduler;
    /** Ends the sessions held for resume, once every connection is gone. */
    private final Runnable endHeld;
    /** Stops the hub's parts (its ticker, broker and flush threads) once the sessions are gone. */
    private final Runnable stopParts;
    /** Stops the timer, last: the sequence's own steps run on it. */
    private final Runnable stopTimer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    ShutdownSequence(SessionRegistry registry, Scheduler scheduler, Runnable endHeld, Runnable stopParts,
                     Runnable stopTimer) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.endHeld = endHeld;
        this.stopParts = stopParts;
        this.stopTimer = stopTimer;
    }

    boolean isStarted() {
        return started.get();
    }

    CompletableFuture<Void> begin(Duration grace) {
        if (!started.compareAndSet(false, true)) {
            return done;
        }
        int sessions = registry.connectedCount();
        log.info("shutting down: {} sessions, grace {}", sessions, grace);
        for (HubSession s : registry.live()) {
            if (s.isVisible()) {
                s.shutdown();
            }
            // A session still opening may already have sent its welcome; the opening thread shuts
            // it down, notice included, as soon as it is visible (DefaultHub.open).
        }
        if (registry.connectedCount() == 0) {
            finish();
        } else {
            scheduler.schedule(this::dropRemaining, grace);
        }
        return done;
    }

    /** A session's connection ended (the session ended, or is held); the last one ends the shutdown. */
    void sessionGone() {
        if (started.get() && registry.connectedCount() == 0) {
            finish();
        }
    }

    private void dropRemaining() {
        if (finished.get()) {
            return;
        }
        int remaining = registry.connectedCount();
        if (remaining > 0) {
            log.warn("shutdown grace period over: dropping {} connections whose queues did not drain", remaining);
            for (HubSession s : registry.live()) {
                s.abort(CloseStatus.SERVER_SHUTDOWN);
            }
        }
        scheduler.schedule(this::finish, ABORT_SETTLE);
    }

    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        int stragglers = registry.connectedCount();
        if (stragglers > 0) {
            log.warn("{} transports did not report their close after being dropped", stragglers);
        }
        endHeld.run();
        stopParts.run();
        log.info("shutdown complete");
        done.complete(null);
        stopTimer.run();
    }
}
