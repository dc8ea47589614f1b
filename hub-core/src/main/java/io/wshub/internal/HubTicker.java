package io.wshub.internal;

import io.wshub.HubOptions;
import io.wshub.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

/**
 * One periodic task per hub instead of timers per session: each tick visits every session
 * (heartbeat, write and close timeouts, and the age of its oldest queued message, of which the
 * metrics hear the hub's largest) and every pending reservation (handshake timeout). A tick
 * over 10 000 sessions is a few volatile reads each, far cheaper than 10 000 timers.
 */
final class HubTicker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(HubTicker.class);
    private static final Duration MIN_PERIOD = Duration.ofMillis(10);
    private static final Duration MAX_PERIOD = Duration.ofSeconds(1);
    /** Ticks that may be missed before the timer counts as stalled, whatever the limit. */
    private static final int STALL_PERIODS = 5;

    private final SessionRegistry registry;
    private final Scheduler scheduler;
    private final HubCounters counters;
    /** What else each tick does with the time: the histories' age limits. */
    private final LongConsumer housekeeping;
    private final Duration period;
    private final long handshakeTimeoutNanos;
    private volatile boolean stopped;
    private volatile Scheduler.Cancellable next;
    /** When the last tick began, in the scheduler's clock; written by the tick, read by health checks. */
    private volatile long lastTickNanos;

    HubTicker(SessionRegistry registry, Scheduler scheduler, HubOptions options, HubCounters counters,
              LongConsumer housekeeping) {
        this.registry = registry;
        this.counters = counters;
        this.housekeeping = housekeeping;
        this.scheduler = scheduler;
        this.period = periodFor(options);
        this.handshakeTimeoutNanos = options.handshakeTimeout().toNanos();
    }

    /**
     * A quarter of the shortest timing, between 10 ms and 1 s: every deadline is noticed within
     * a quarter of its length, and the default timings tick once a second.
     */
    static Duration periodFor(HubOptions o) {
        long shortest = LongStream.of(o.writeTimeout().toNanos(), o.closeTimeout().toNanos(),
                o.pingInterval().toNanos(), o.pongTimeout().toNanos() - o.pingInterval().toNanos(),
                o.handshakeTimeout().toNanos()).min().getAsLong();
        Duration quarter = Duration.ofNanos(shortest / 4);
        if (quarter.compareTo(MIN_PERIOD) < 0) {
            return MIN_PERIOD;
        }
        return quarter.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : quarter;
    }

    Duration period() {
        return period;
    }

    void start() {
        lastTickNanos = scheduler.nanoTime();
        next = scheduler.schedule(this, period);
    }

    /**
     * Why the timer is not making progress, if it is not: no tick began within the limit (its
     * thread is blocked, or a tick never ends). A stopped ticker is not stalled.
     */
    Optional<String> stall(long now, long limitNanos) {
        long since = now - lastTickNanos;
        if (stopped || since <= Math.max(limitNanos, STALL_PERIODS * period.toNanos())) {
            return Optional.empty();
        }
        return Optional.of("the hub's timer has not ticked for " + since / 1_000_000 + " ms");
    }

    void stop() {
        stopped = true;
        Scheduler.Cancellable n = next;
        if (n != null) {
            n.cancel();
        }
    }

    @Override
    public void run() {
        if (stopped) {
            return;
        }
        Deferral.Scope scope = Deferral.enter(); // the closes a tick decides run after the visit
        try {
            long now = scheduler.nanoTime();
            lastTickNanos = now;
            long oldestQueued = 0;
            for (HubSession s : registry.live()) {
                s.tick(now);
                oldestQueued = Math.max(oldestQueued, s.oldestQueuedAge(now));
            }
            counters.oldestQueuedMessageAge(oldestQueued);
            for (Reservation r : registry.pending()) {
                r.expireIfOlderThan(now, handshakeTimeoutNanos);
            }
            housekeeping.accept(now);
        } catch (RuntimeException e) {
            log.error("hub tick failed", e);
        } finally {
            scope.exit();
            if (!stopped) {
                next = scheduler.schedule(this, period);
            }
        }
    }
}
