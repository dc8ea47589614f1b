package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub's graceful shutdown: notice and 1001 to every session after its queue drains, a grace
 * period, then the connections still open are dropped; then the sessions held for resume (a 1001
 * holds them too, for a client to resume elsewhere) end, or are left to a store that outlives the
 * node, and finally the hub's own threads stop.
 *
 * <p>The notices go out paced ({@code shutdownCloseRate}): the sessions in random order, evenly
 * spaced, all within the first half of the grace period, so that their clients reconnect to the
 * other nodes spread out rather than all at once. Until its turn a session works as before.
 */
final class ShutdownSequence {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);
    /** After dropping connections, how long transports get to report their ends before we stop anyway. */
    private static final Duration ABORT_SETTLE = Duration.ofSeconds(1);
    /** How often a paced shutdown closes the sessions whose turn has come: fine enough to spread them, cheap on the timer. */
    static final Duration PACING_STEP = Duration.ofMillis(10);

    private final SessionRegistry registry;
    private final Scheduler scheduler;
    /** Sessions closed per second; 0 closes them all at once. */
    private final int closeRate;
    /** Ends the sessions held for resume (or leaves them to the store), once every connection is gone. */
    private final Runnable endHeld;
    /** Stops the hub's parts (its ticker, broker and flush threads) once the sessions are gone. */
    private final Runnable stopParts;
    /** Stops the timer, last: the sequence's own steps run on it. */
    private final Runnable stopTimer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    ShutdownSequence(SessionRegistry registry, Scheduler scheduler, int closeRate, Runnable endHeld, Runnable stopParts,
                     Runnable stopTimer) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.closeRate = closeRate;
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
        List<HubSession> order = new ArrayList<>();
        for (HubSession s : registry.live()) {
            if (s.isVisible()) {
                order.add(s);
            }
            // A session still opening may already have sent its welcome; the opening thread shuts
            // it down, notice included, as soon as it is visible (DefaultHub.open).
        }
        Collections.shuffle(order, ThreadLocalRandom.current());
        long spacing = spacingNanos(order.size(), grace, closeRate);
        log.info("shutting down: {} sessions, grace {}, closing them over {} ms", registry.connectedCount(), grace,
                spacing * order.size() / 1_000_000);
        new Pacer(order, spacing, scheduler.nanoTime()).closeDue();
        if (registry.connectedCount() == 0) {
            finish();
        } else {
            scheduler.schedule(this::dropRemaining, grace);
        }
        return done;
    }

    /**
     * How far apart the notices go: {@code sessions} at {@code rate} per second, but all within the
     * first half of the grace period; 0 (all at once) when that spread is under one pacing step.
     */
    static long spacingNanos(int sessions, Duration grace, int rate) {
        if (rate == 0 || sessions < 2) {
            return 0;
        }
        long atRate = sessions * (1_000_000_000L / rate);
        long spread = Math.min(atRate, grace.toNanos() / 2);
        return spread < PACING_STEP.toNanos() ? 0 : spread / sessions;
    }

    /** Closes the sessions in their order, each at its turn; runs on the caller's thread first, then on the timer. */
    private final class Pacer {
        private final List<HubSession> order;
        private final long spacingNanos;
        private final long startNanos;
        /** The next session to close; touched by one step at a time (each step schedules the next). */
        private int next;

        Pacer(List<HubSession> order, long spacingNanos, long startNanos) {
            this.order = order;
            this.spacingNanos = spacingNanos;
            this.startNanos = startNanos;
        }

        void closeDue() {
            if (finished.get()) {
                return;
            }
            int due = spacingNanos == 0 ? order.size()
                    : (int) Math.min(order.size(), (scheduler.nanoTime() - startNanos) / spacingNanos + 1);
            while (next < due) {
                order.get(next++).shutdown(); // one that has ended meanwhile does nothing
            }
            if (next < order.size()) {
                scheduler.schedule(this::closeDue, PACING_STEP);
            }
        }
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
