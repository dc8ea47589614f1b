package io.wshub.internal;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who holds which id, and how many connection slots are taken. An id is claimed by a
 * {@link Reservation} at admission and passes to its {@link HubSession} at open; a slot is held
 * from admission until the session closes or the reservation ends.
 */
final class SessionRegistry {

    /** id → the Reservation or HubSession holding it. */
    private final ConcurrentHashMap<String, Object> claims = new ConcurrentHashMap<>();
    /** Open sessions, visible or not yet; what the ticker, broadcasts and shutdown visit. */
    private final ConcurrentHashMap<String, HubSession> live = new ConcurrentHashMap<>();
    private final Set<Reservation> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger slots = new AtomicInteger();
    private final int maxSlots;

    SessionRegistry(int maxSlots) {
        this.maxSlots = maxSlots;
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

    /** The reservation opened: its session takes over the id and the slot. */
    void activate(Reservation r, HubSession s) {
        claims.replace(s.id(), r, s);
        pending.remove(r);
        live.put(s.id(), s);
    }

    /** The session closed: frees its id and slot. */
    void remove(HubSession s) {
        if (live.remove(s.id(), s)) {
            claims.remove(s.id(), s);
            releaseSlot();
        }
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

    /** How many sessions are open. */
    int liveCount() {
        return live.size();
    }
}
