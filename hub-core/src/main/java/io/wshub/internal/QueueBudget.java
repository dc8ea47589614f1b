package io.wshub.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The hub's budget of queued bytes ({@code maxTotalQueuedBytes}), what its queues hold together,
 * and what follows from them (docs/overload.md):
 *
 * <ul>
 *   <li><b>The node cannot keep up</b> when its queues hold, on average, a quarter of their limits
 *       (every session's low mark; with at least {@value #NODE_BEHIND_MIN} sessions behind), when a
 *       queue went past its own limits while its writer waited for its turn on a flush thread
 *       ({@link #pastLimit}: what it holds waits for the node, not the peer), or when the queued bytes
 *       reach the budget. The hub is then overloaded: a session that wants its next
 *       message is held ({@link #mayRead}) instead of read, so TCP pushes back on the publishers,
 *       until the queues are down to an eighth of their limits on average, none is past its limits,
 *       and the bytes are below three quarters of the budget; then every held session reads on.</li>
 *   <li><b>A session is slow on its own</b> when it is behind (above its high mark) while the
 *       queues are not that full on average: its own limit and policy handle it. When the budget
 *       fills all the same, the sessions behind are the ones holding it: each is cut back to its low
 *       mark ({@link SessionWriter#shed}; one holding a message of a disconnecting policy is
 *       dropped). While the node is behind, only a session whose peer has taken nothing since it
 *       fell behind, for a tick at least ({@link SessionWriter#isStuck}), is.</li>
 * </ul>
 *
 * <p>The average, not a count of sessions behind, tells the node: a busy node serves its writers in
 * turn, so their queues spread evenly from empty to the longest, and half of them are past their
 * high mark only when the longest are at their limit. An average of a quarter holds the publishers
 * while the longest queues are about half full.
 *
 * <p>Cheap on the hot paths: a send adds to two {@link LongAdder}s, a read asks a volatile flag and
 * sums them; the sessions behind are visited only when the hub becomes overloaded, on each tick
 * while it is, and one at a time as they fall behind meanwhile. Decisions are made under this
 * object's lock; writers and sessions are called after it is released, and the cutting back and
 * the reads that follow a decision after the work that made it (a fan-out under a room's lock).
 */
final class QueueBudget {

    /**
     * Fewer sessions behind than this never make the node the bottleneck, however full their queues:
     * a handful of peers behind says more about those peers than about the node, and each is
     * handled by its own limit and policy.
     */
    static final int NODE_BEHIND_MIN = 8;

    private final long limit;
    /** Held sessions read on once the queued bytes are below this (three quarters of the limit). */
    private final long resumeBelow;
    private final int sessionMessages;
    private final long sessionBytes;
    private final LongAdder queuedBytes;
    private final LongAdder queuedMessages = new LongAdder();
    private final IntSupplier sessions;
    private final NanoClock clock;
    private final long stuckAfterNanos;
    /** Writers above their high mark, as they told it (in order, per writer). */
    private final Set<SessionWriter> behind = ConcurrentHashMap.newKeySet();
    /** Sessions whose next read waits for the overload to end; added and emptied under the lock. */
    private final Set<HubSession> held = ConcurrentHashMap.newKeySet();
    /** Writers whose queue is past its own limits (see {@link #pastLimit}). */
    private final AtomicInteger pastLimit = new AtomicInteger();
    private final LongAdder overloads = new LongAdder();
    /** Written under the lock, read without it. */
    private volatile boolean overloaded;

    /**
     * @param limit           the budget in bytes
     * @param sessionMessages one session's message limit
     * @param sessionBytes    one session's byte limit
     * @param queuedBytes     the bytes queued in all the hub's sessions, which the writers add to
     * @param sessions        how many sessions the hub has open
     * @param clock           the hub's clock
     * @param stuckAfter      how long a write must have been in flight for its peer to count as taking
     *                        nothing (the hub's tick: the ticker looks again that often)
     */
    QueueBudget(long limit, int sessionMessages, long sessionBytes, LongAdder queuedBytes, IntSupplier sessions,
                NanoClock clock, Duration stuckAfter) {
        this.clock = clock;
        this.stuckAfterNanos = stuckAfter.toNanos();
        this.limit = limit;
        this.resumeBelow = limit - limit / 4;
        this.sessionMessages = sessionMessages;
        this.sessionBytes = sessionBytes;
        this.queuedBytes = queuedBytes;
        this.sessions = sessions;
    }

    // ---- what the writers tell ----

    /** Bytes and messages joined (or, negative, left) a queue; the caller may hold its writer's lock. */
    void add(long bytes, int messages) {
        queuedBytes.add(bytes);
        queuedMessages.add(messages);
    }

    /**
     * A writer's queue went past its own limits, which it may only while the writer waits for its
     * turn ({@link OutboundQueue#offer}), or came back within them; the caller may hold the writer's
     * lock. The next read decides: the node is behind while any queue is past its limits.
     */
    void pastLimit(boolean isPast) {
        pastLimit.addAndGet(isPast ? 1 : -1);
    }

    /** Bytes left a queue: an overload may be over. Called without the writer's lock. */
    void drained() {
        if (overloaded) {
            decide();
        }
    }

    /** A writer fell behind or caught up (told in order per writer, without its lock). */
    void behind(SessionWriter writer, boolean isBehind) {
        if (!isBehind) {
            behind.remove(writer);
            drained();
            return;
        }
        behind.add(writer);
        if (overloaded || isPressing()) {
            if (shouldShed(writer)) {
                Deferral.later(writer::shed); // it fell behind in a fan-out: cut it back after the room's lock
            }
            decide();
        }
    }

    // ---- what the sessions ask ----

    /**
     * A session wants its next message.
     *
     * @return true to read it now; false when the hub is overloaded: the session is held, and
     *         {@link HubSession#readAgain()} reads it once the overload ends
     */
    boolean mayRead(HubSession session) {
        if (!overloaded && !isPressing()) {
            return true;
        }
        decide();
        synchronized (this) {
            if (!overloaded) {
                return true;
            }
            held.add(session);
            return false;
        }
    }

    /** Whether the session's next read waits for the overload to end (its silence is the hub's doing). */
    boolean holds(HubSession session) {
        return held.contains(session);
    }

    /** The session ended: it waits for nothing any more. */
    void forget(HubSession session) {
        held.remove(session);
    }

    /** The hub's tick: while overloaded or at the budget, cuts back who is slow on its own. */
    void tick() {
        if (overloaded || isPressing()) {
            shedSlow();
            decide();
        }
    }

    // ---- what the stats read ----

    boolean isOverloaded() {
        return overloaded;
    }

    int sessionsBehind() {
        return behind.size();
    }

    long overloads() {
        return overloads.sum();
    }

    // ---- deciding ----

    /** At the budget, or the node behind: what makes the hub overloaded. */
    private boolean isPressing() {
        return queuedBytes.sum() >= limit || isNodeBehind(4);
    }

    /**
     * Whether a queue is past its own limits, or the queues hold, on average, {@code 1/part} of
     * their limits (by messages or by bytes) with at least {@value #NODE_BEHIND_MIN} sessions behind.
     */
    private boolean isNodeBehind(int part) {
        if (pastLimit.get() > 0) {
            return true;
        }
        if (behind.size() < NODE_BEHIND_MIN) {
            return false;
        }
        long n = sessions.getAsInt();
        return queuedMessages.sum() >= share(n, sessionMessages, part) || queuedBytes.sum() >= share(n, sessionBytes, part);
    }

    /** {@code n × limit / part}, saturating (a byte limit may be {@code Long.MAX_VALUE}). */
    private static long share(long n, long limit, int part) {
        long each = limit / part;
        return each > Long.MAX_VALUE / Math.max(1, n) ? Long.MAX_VALUE : Math.max(1, n * each);
    }

    /**
     * Whether a writer behind is slow on its own: while the node is behind, only if its peer takes
     * nothing; else whenever the bytes are at the budget, or the overload they caused lasts. An
     * overload the node being behind caused, whose end is not yet decided, sheds no one.
     */
    private boolean shouldShed(SessionWriter writer) {
        if (isNodeBehind(overloaded ? 8 : 4)) {
            return writer.isStuck(clock.nanoTime(), stuckAfterNanos);
        }
        return queuedBytes.sum() >= (overloaded ? resumeBelow : limit);
    }

    /** Cuts back every session behind that is slow on its own. */
    private void shedSlow() {
        for (SessionWriter w : behind) {
            if (shouldShed(w)) {
                w.shed();
            }
        }
    }

    /**
     * Enters or leaves the overload. Entering cuts back the sessions slow on their own (and decides
     * again, as that may have been the whole of it); leaving lets every held session read on. Both
     * run after the work that decided them (see {@link Deferral}): never under a room's lock.
     */
    private void decide() {
        boolean entered;
        List<HubSession> release = null;
        synchronized (this) {
            boolean now = overloaded
                    ? isNodeBehind(8) || queuedBytes.sum() >= resumeBelow
                    : isNodeBehind(4) || queuedBytes.sum() >= limit;
            entered = now && !overloaded;
            if (entered) {
                overloads.increment();
            } else if (!now && overloaded && !held.isEmpty()) {
                release = new ArrayList<>(held);
                held.clear();
            }
            overloaded = now;
        }
        if (entered) {
            Deferral.later(() -> {
                shedSlow();
                decide();
            });
        }
        if (release != null) {
            for (HubSession s : release) {
                Deferral.later(s::readAgain);
            }
        }
    }
}
