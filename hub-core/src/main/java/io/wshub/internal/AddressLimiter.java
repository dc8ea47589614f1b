package io.wshub.internal;

import io.wshub.AddressLimits;
import io.wshub.spi.Admission;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The per-address limits of {@link AddressLimits}: for each client address, the sessions it holds
 * (counted from admission to the end of the reservation or session) and its bucket of upgrades.
 *
 * <p>Thread-safe: an address's entry is read and changed only inside the map's atomic
 * {@code compute} for its key, so the admissions and releases of one address are serialized and
 * those of different addresses run in parallel. One sweep at a time forgets addresses: those with
 * no session whose bucket is full again (they carry nothing an absent entry would not), and, when
 * the table is over its cap, any without a session.
 */
final class AddressLimiter {

    /** IPv6 addresses count by their network: one subscriber or host is given a /64. */
    static final int IPV6_PREFIX = 64;
    /** How often the ticker's sweep walks the table (the ticker may tick much more often). */
    private static final long SWEEP_PERIOD_NANOS = 1_000_000_000L;

    private final AddressLimits limits;
    /** The bucket in whole nanoseconds, so that it never drifts: one token's worth of time, and the burst's less one. */
    private final long tokenNanos;
    private final long burstNanos;
    /** Entries beyond which an admission of a new address makes room first. */
    private final int cap;
    /** Entries that making room leaves: a tenth of the idle share free, so that it runs once per many new addresses. */
    private final int roomTarget;
    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    /** Held by the one thread sweeping or making room. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** When the ticker's sweep last ran; written by the ticker only. */
    private volatile long lastSweepNanos;

    /**
     * One address's state; guarded by the map's lock of its key (read and written only in
     * {@code compute}). The bucket is kept as the time it will be full again ({@code fullAt}, in
     * the hub's clock): each upgrade moves it one token's time later, and an upgrade is allowed
     * while it is at most the burst's time ahead (the generic cell rate algorithm: a token bucket
     * in one number).
     */
    private static final class Entry {
        int sessions;
        long fullAt;
    }

    /**
     * @param idleCap     most addresses tracked without a session ({@link AddressLimits#TRACKED_ADDRESSES})
     * @param maxSessions the hub's connection limit: at most so many addresses hold sessions
     */
    AddressLimiter(AddressLimits limits, int idleCap, int maxSessions, long nowNanos) {
        this.limits = limits;
        // Bounded so that no sum of clock readings and bucket times overflows: a quarter of 2^63 ns is 73 years.
        double max = Long.MAX_VALUE / 4;
        double token = limits.limitsRate() ? Math.max(1, Math.min(max, Math.rint(1e9 / limits.upgradesPerSecond()))) : 0;
        this.tokenNanos = (long) token;
        this.burstNanos = (long) Math.min(max, token * (limits.upgradeBurst() - 1));
        this.cap = (int) Math.min(Integer.MAX_VALUE, (long) idleCap + maxSessions);
        this.roomTarget = cap - Math.max(1, idleCap / 10);
        this.lastSweepNanos = nowNanos;
    }

    /**
     * Takes one session of this address and one of its upgrade tokens.
     *
     * @return null when taken (give it back with {@link #release}), else the 429 to answer
     */
    Admission.Refused acquire(InetSocketAddress client, long nowNanos) {
        InetAddress key = key(client);
        if (key == null) {
            return null;
        }
        if (entries.size() >= cap && !entries.containsKey(key)) {
            makeRoom(nowNanos);
        }
        Admission.Refused[] refusal = new Admission.Refused[1];
        entries.compute(key, (k, e) -> {
            Entry entry = e != null ? e : fresh(nowNanos);
            if (limits.limitsSessions() && entry.sessions >= limits.maxSessions()) {
                refusal[0] = new Admission.Refused(429, Admission.Refused.TOO_MANY_SESSIONS_FROM_ADDRESS,
                        AddressLimits.SESSIONS_RETRY_AFTER);
                return entry;
            }
            if (limits.limitsRate()) {
                long fullAt = entry.fullAt - nowNanos > 0 ? entry.fullAt : nowNanos;
                long wait = fullAt - burstNanos - nowNanos;
                if (wait > 0) {
                    refusal[0] = new Admission.Refused(429, Admission.Refused.TOO_MANY_UPGRADES_FROM_ADDRESS,
                            Duration.ofNanos(wait));
                    return entry;
                }
                entry.fullAt = fullAt + tokenNanos;
            }
            entry.sessions++;
            return entry;
        });
        return refusal[0];
    }

    /** Gives back a session {@link #acquire} took for this address. */
    void release(InetSocketAddress client, long nowNanos) {
        InetAddress key = key(client);
        if (key != null) {
            entries.computeIfPresent(key, (k, e) -> {
                e.sessions--;
                return forgettable(e, nowNanos) ? null : e;
            });
        }
    }

    /** Forgets, at most once a second, the addresses that hold no session and whose bucket is full again. */
    void sweep(long nowNanos) {
        if (nowNanos - lastSweepNanos < SWEEP_PERIOD_NANOS || entries.isEmpty()) {
            return;
        }
        lastSweepNanos = nowNanos;
        if (sweeping.compareAndSet(false, true)) {
            try {
                forget(nowNanos, false, 0);
            } finally {
                sweeping.set(false);
            }
        }
    }

    /** How many addresses are tracked. */
    int tracked() {
        return entries.size();
    }

    /**
     * The table is full: forget the idle addresses whose bucket is full, then, if that was not
     * enough, any without a session (their buckets start full again) down to the room target. A
     * thread that finds another making room goes on: the table may pass its cap by the admissions
     * under way.
     */
    private void makeRoom(long nowNanos) {
        if (sweeping.compareAndSet(false, true)) {
            try {
                forget(nowNanos, false, 0);
                if (entries.size() > roomTarget) {
                    forget(nowNanos, true, roomTarget);
                }
            } finally {
                sweeping.set(false);
            }
        }
    }

    private void forget(long nowNanos, boolean anyIdle, int downTo) {
        for (InetAddress key : entries.keySet()) {
            if (anyIdle && entries.size() <= downTo) {
                return;
            }
            entries.computeIfPresent(key, (k, e) -> e.sessions <= 0 && (anyIdle || forgettable(e, nowNanos)) ? null : e);
        }
    }

    /** Whether the entry holds nothing an absent one would not: no session, a full bucket. */
    private static boolean forgettable(Entry e, long nowNanos) {
        return e.sessions <= 0 && e.fullAt - nowNanos <= 0;
    }

    private static Entry fresh(long nowNanos) {
        Entry e = new Entry();
        e.fullAt = nowNanos;
        return e;
    }

    /** The address the limits count by: an IPv4 address itself, an IPv6 address's /64; null when none or off. */
    private InetAddress key(InetSocketAddress client) {
        InetAddress address = client == null || limits.isOff() ? null : client.getAddress();
        return address instanceof Inet6Address ? IpLiterals.masked(address, IPV6_PREFIX) : address;
    }
}
