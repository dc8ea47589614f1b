package io.wshub.internal;

import io.wshub.CloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub's graceful shutdown: notice and 1001 to every session after its queue drains, a grace
 * period, then the connections still open are dropped; finally the hub's own threads stop.
 */
final class ShutdownSequence {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);
    /** After dropping connections, how long transports get to report their ends before we stop anyway. */
    private static final Duration ABORT_SETTLE = Duration.ofSeconds(1);

    private final DefaultHub hub;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    ShutdownSequence(DefaultHub hub) {
        this.hub = hub;
    }

    boolean isStarted() {
        return started.get();
    }

    CompletableFuture<Void> begin(Duration grace) {
        if (!started.compareAndSet(false, true)) {
            return done;
        }
        int sessions = hub.registry().live.size();
        log.info("shutting down: {} sessions, grace {}", sessions, grace);
        for (HubSession s : hub.registry().live.values()) {
            if (s.isVisible()) {
                s.shutdown();
            }
            // A session still opening may already have sent its welcome; the opening thread shuts
            // it down, notice included, as soon as it is visible (DefaultHub.open).
        }
        if (hub.registry().live.isEmpty()) {
            finish();
        } else {
            hub.scheduler().schedule(this::dropRemaining, grace);
        }
        return done;
    }

    /** A session closed; the last one ends the shutdown. */
    void sessionGone() {
        if (started.get() && hub.registry().live.isEmpty()) {
            finish();
        }
    }

    private void dropRemaining() {
        if (finished.get()) {
            return;
        }
        int remaining = hub.registry().live.size();
        if (remaining > 0) {
            log.warn("shutdown grace period over: dropping {} connections whose queues did not drain", remaining);
            for (HubSession s : hub.registry().live.values()) {
                s.abort(CloseStatus.SERVER_SHUTDOWN);
            }
        }
        hub.scheduler().schedule(this::finish, ABORT_SETTLE);
    }

    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        int stragglers = hub.registry().live.size();
        if (stragglers > 0) {
            log.warn("{} transports did not report their close after being dropped", stragglers);
        }
        hub.stopInternals();
        log.info("shutdown complete");
        done.complete(null);
        hub.stopScheduler();
    }
}
