package io.wshub.bench.loadtest;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the publisher at most W messages ahead of its slowest subscriber: before sending message
 * n it waits until every subscriber it paces on has received message n - W.
 *
 * <p>Waking is cheap for the subscribers: while the publisher waits, those still behind count
 * down as they reach the needed message, and the last one unparks it. The count is only a hint
 * (a subscriber passing the mark while the publisher is setting it up is missed), so the
 * publisher also re-checks every {@link #RECHECK_NANOS}; correctness rests on the re-check.
 *
 * <p>A subscriber that has not reached the needed message within the stall timeout is given up
 * on (marked stalled) so that a lost message or a stuck connection cannot stop the run.
 */
final class WindowGate {

    /** The longest the publisher sleeps between checks when no wake-up comes. */
    static final long RECHECK_NANOS = 1_000_000;

    private final List<? extends Paced> subscribers;
    private final int window;
    private final long stallTimeoutNanos;
    /** The message the publisher waits for (Long.MAX_VALUE when not waiting); written by the publisher only. */
    private volatile long needed = Long.MAX_VALUE;
    /** Subscribers still behind {@code needed}; set by the publisher, counted down by subscribers. */
    private final AtomicInteger behind = new AtomicInteger();
    /** The publisher's thread; written before it first waits, read by the subscribers that wake it. */
    private volatile Thread publisher;
    /** Subscribers given up on; written by the publisher only. */
    private volatile int stalled;

    WindowGate(List<? extends Paced> subscribers, int window, long stallTimeoutNanos) {
        this.subscribers = subscribers;
        this.window = window;
        this.stallTimeoutNanos = stallTimeoutNanos;
    }

    /**
     * Waits until message {@code next} may be sent, or until {@code deadline}.
     *
     * @return false when the deadline came first, or no subscriber is left to pace on
     */
    boolean awaitRoom(long next, long deadline) {
        long want = next - window;
        if (want < 0) {
            return true;
        }
        publisher = Thread.currentThread();
        long waitingSince = System.nanoTime();
        for (;;) {
            int lagging = countBehind(want);
            if (lagging == 0) {
                needed = Long.MAX_VALUE;
                return pacingOnAny();
            }
            behind.set(lagging);
            needed = want;
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return false;
            }
            if (now - waitingSince > stallTimeoutNanos) {
                giveUpOnThoseBehind(want);
                continue;
            }
            LockSupport.parkNanos(this, Math.min(RECHECK_NANOS, deadline - now));
        }
    }

    /** A subscriber moved from {@code previous} to {@code seq}; wakes the publisher if it was the last one behind. */
    void advanced(long previous, long seq) {
        long mark = needed;
        if (previous < mark && seq >= mark && behind.decrementAndGet() == 0) {
            Thread waiting = publisher;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    /** Subscribers given up on because they stopped receiving. */
    int stalled() {
        return stalled;
    }

    private int countBehind(long want) {
        int count = 0;
        for (Paced subscriber : subscribers) {
            if (subscriber.isPacing() && subscriber.lastSeq() < want) {
                count++;
            }
        }
        return count;
    }

    private boolean pacingOnAny() {
        for (Paced subscriber : subscribers) {
            if (subscriber.isPacing()) {
                return true;
            }
        }
        return false;
    }

    private void giveUpOnThoseBehind(long want) {
        for (Paced subscriber : subscribers) {
            if (subscriber.isPacing() && subscriber.lastSeq() < want) {
                subscriber.markStalled();
                stalled++;
            }
        }
    }
}
