package io.wshub.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Runs the ends of sessions after the work that decided them, never nested inside it.
 *
 * <p>A close can be decided deep inside other work: a fan-out under a room's lock finds a
 * recipient's queue overflowing, a write fails while a batch is being handed to the transport.
 * Carrying it out there nests one session's end (its close, its rooms left, their announcements,
 * the closes those cause) inside another's send: under a reconnect storm the stack overflows, and
 * two threads nesting through rooms in opposite orders deadlock. So the hub's work is bracketed:
 * {@link #enter()} before a fan-out, a room's lock, an inbound handler or a timer tick, and
 * {@link Scope#exit()} after it (after the lock is released). A close decided inside is queued on
 * the thread ({@link #later}) and run by the outermost exit, one after another on a fresh stack,
 * with no hub lock held; what those closes decide in turn joins the same queue. Outside any bracket
 * an action runs at once, in a bracket of its own.
 *
 * <p>The queue is the thread's own, so nothing is shared and the order is the order of decisions;
 * the actions themselves make sure they run once (a session's state changes under a CAS before its
 * close is deferred).
 */
final class Deferral {

    private static final Logger log = LoggerFactory.getLogger(Deferral.class);
    private static final ThreadLocal<Scope> SCOPES = ThreadLocal.withInitial(Scope::new);

    private Deferral() {
    }

    /** Opens a bracket on this thread; close it with {@link Scope#exit()} in a {@code finally}. */
    static Scope enter() {
        Scope s = SCOPES.get();
        s.depth++;
        return s;
    }

    /** Runs the action once this thread's outermost bracket ends, or now if there is none. */
    static void later(Runnable action) {
        Scope s = SCOPES.get();
        s.queue.addLast(action);
        if (s.depth == 0) {
            s.depth = 1;
            s.exit();
        }
    }

    /** One thread's brackets: how deep it is and what waits for the outermost one to end. */
    static final class Scope {
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        private int depth;

        /** Ends a bracket; the outermost one runs what was deferred, including what that defers. */
        void exit() {
            if (depth > 1 || queue.isEmpty()) {
                depth--;
                return;
            }
            // Still at depth 1 while draining: what the actions defer is queued behind them.
            try {
                for (Runnable action = queue.pollFirst(); action != null; action = queue.pollFirst()) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        log.error("a deferred session end failed; going on with the others", e);
                    }
                }
            } finally {
                depth = 0;
            }
        }
    }
}
