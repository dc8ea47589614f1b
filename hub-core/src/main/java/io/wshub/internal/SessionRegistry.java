package io.wshub.internal;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Who holds which id, and how many connection slots are taken. An id is claimed by a
 * {@link Reservation} at admission and passes to its {@link HubSession} at open; a slot is held
 * from admission until the session ends or the reservation ends. A session held for resume keeps
 * both; the resume that takes it back needs neither.
 *
 * <p>The sessions a hub-wide fan-out reaches — visible from their {@code onOpen}'s return until
 * their end — are also kept in copy-on-write stripes ({@link SessionArrays}): the fan-out reads
 * arrays, not the map's nodes nor each session's state, and a session coming or going copies one
 * stripe, a {@value #STRIPES}th of them.
 */
final class SessionRegistry {

    static final int STRIPES = 32;

    /** One stripe of the visible sessions: its monitor guards changes. */
    private static final class Stripe {
        /** Copy-on-write; replaced under the lock, read without it. */
        volatile HubSession[] sessions = SessionArrays.NONE;
    }

    /** id → the Reservation or HubSession holding it. */
    private final ConcurrentHashMap<String, Object> claims = new ConcurrentHashMap<>();
    /** Open sessions, visible or not yet; what the ticker, broadcasts and shutdown visit. */
    private final ConcurrentHashMap<String, HubSession> live = new ConcurrentHashMap<>();
    private final Set<Reservation> pending = ConcurrentHashMap.newKeySet();
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final AtomicInteger slots = new AtomicInteger();
    /** How many of the live sessions are held for resume (they keep their id and their slot). */
    private final AtomicInteger held = new AtomicInteger();
    private final int maxSlots;

    SessionRegistry(int maxSlots) {
        this.maxSlots = maxSlots;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Takes a connection slot; false when all are taken. */
    boolean takeSlot() {
        for (;;) {
            int n = slots.get();
            if (n >= maxSlots) {
                return false;
            }
            if (slots.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseSlot() {
        slots.decrementAndGet();
    }

    /** Claims the reservation's id on this node; false if it is taken. */
    boolean claim(Reservation r) {
        if (claims.putIfAbsent(r.sessionId(), r) != null) {
            return false;
        }
        pending.add(r);
        return true;
    }

    /** Gives up a claim made with {@link #claim} without holding a slot any more. */
    void unclaim(Reservation r) {
        pending.remove(r);
        claims.remove(r.sessionId(), r);
    }

    /** Ends a reservation that never opened: frees its id and slot. */
    void release(Reservation r) {
        unclaim(r);
        releaseSlot();
    }

    /** An admitted resume waits to open: its session holds the id and the slot already. */
    void pendResume(Reservation r) {
        pending.add(r);
    }

    /** An admitted resume opened, or ended without opening. */
    void unpend(Reservation r) {
        pending.remove(r);
    }

    /** A session was held, or taken back out of the hold (resumed, or ended). */
    void held(boolean nowHeld) {
        if (nowHeld) {
            held.incrementAndGet();
        } else {
            held.decrementAndGet();
        }
    }

    /** How many sessions are held for resume. */
    int heldCount() {
        return held.get();
    }

    /** The reservation opened: its session takes over the id and the slot. */
    void activate(Reservation r, HubSession s) {
        claims.replace(s.id(), r, s);
        pending.remove(r);
        live.put(s.id(), s);
    }

    /**
     * The session's {@code onOpen} is about to run, its fan-outs held ({@link HubSession#holdFanOuts}):
     * hub-wide fan-outs reach it from now on.
     */
    void showOpening(HubSession s) {
        show(s, opening -> !opening.isClosed());
    }

    /** The session's {@code onResumed} returned: hub-wide fan-outs reach it from now on. */
    void shown(HubSession s) {
        show(s, HubSession::isVisible);
    }

    /**
     * Adds it to its stripe, unless its end was reported meanwhile (asked under the stripe's lock,
     * which {@link #remove} takes too).
     */
    private void show(HubSession s, Predicate<HubSession> stillThere) {
        Stripe stripe = stripeOf(s);
        synchronized (stripe) {
            if (stillThere.test(s)) {
                stripe.sessions = SessionArrays.with(stripe.sessions, s);
            }
        }
    }

    /** The session closed: frees its id and slot, and fan-outs no longer reach it. */
    void remove(HubSession s) {
        Stripe stripe = stripeOf(s);
        synchronized (stripe) {
            stripe.sessions = SessionArrays.without(stripe.sessions, s);
        }
        if (live.remove(s.id(), s)) {
            claims.remove(s.id(), s);
            releaseSlot();
        }
    }

    /**
     * One stripe of the sessions a hub-wide fan-out reaches ({@code 0 <= i < STRIPES}). A session
     * that just ended may still be in it: an offer to it is refused by its writer.
     */
    HubSession[] visibleStripe(int i) {
        return stripes[i].sessions;
    }

    private Stripe stripeOf(HubSession s) {
        return stripes[Math.floorMod(s.id().hashCode(), STRIPES)];
    }

    /** The open, visible session with this id, or null. */
    HubSession visible(String id) {
        HubSession s = live.get(id);
        return s != null && s.isVisible() ? s : null;
    }

    Iterable<Reservation> pending() {
        return pending;
    }

    /** The open sessions, visible or not yet: a live view, safe to iterate while they come and go. */
    Collection<HubSession> live() {
        return live.values();
    }

    /** How many sessions there are, held ones included. */
    int liveCount() {
        return live.size();
    }

    /** How many sessions are on a connection: the live ones but the held. */
    int connectedCount() {
        return live.size() - held.get();
    }

    /** The session with this id, open or held, or null. */
    HubSession live(String id) {
        return live.get(id);
    }
}
