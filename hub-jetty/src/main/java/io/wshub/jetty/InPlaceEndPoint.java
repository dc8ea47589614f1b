package io.wshub.jetty;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A socket of a {@link WshubConnector}. Once its connection is a hub session whose handling never
 * blocks ({@link #readInPlace()}), what the selector finds ready on it (a read, a write that can
 * go on) runs on the selector thread itself: Jetty runs a task it is told is non-blocking where it
 * was produced, instead of handing it to a pool thread. One echo round trip then takes no thread
 * hand-off, no wake-up and no change of the socket's interest set.
 *
 * <p>So that one connection cannot keep its selector to itself (a client that sends without
 * pause), a selection delivers at most {@link #SHARE} messages in place: the demand after them is
 * kept ({@link #deferDemand}) until the selector's task returns, and Jetty then reads the rest on a
 * pool thread, as it would without this class, until the socket is drained.
 */
class InPlaceEndPoint extends SocketChannelEndPoint { // not final: a test server counts its writes

    /** Messages one selection delivers on the selector thread before the connection reads on the pool. */
    static final int SHARE = 16;

    /** Set once, when the hub session opens; read by the selector on every selection. */
    private volatile boolean inPlace;
    /**
     * The thread running this socket's task in place, else null; written by that thread only. A
     * demand compares it with its own thread, so a stale value seen elsewhere is never a match.
     */
    private volatile Thread selector;
    /** Demands met in place in the running task; the running thread's only. */
    private int delivered;
    /** The demand kept until the running task returns; the running thread's only. */
    private Runnable deferred;

    InPlaceEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
        super(channel, selector, key, scheduler);
    }

    /** From now on the selector runs what it finds ready on this socket itself. */
    void readInPlace() {
        inPlace = true;
    }

    /** Whether the selector runs what it finds ready on this socket itself. */
    boolean readsInPlace() {
        return inPlace;
    }

    @Override
    public Runnable onSelected() {
        Runnable task = super.onSelected();
        return task == null || !inPlace ? task : new InPlace(task);
    }

    /**
     * Keeps {@code demand} until the selector's task returns, when this is a demand beyond the
     * selection's share on the selector thread; otherwise the caller demands now.
     *
     * @return whether the demand was kept
     */
    boolean deferDemand(Runnable demand) {
        if (selector != Thread.currentThread() || ++delivered <= SHARE) {
            return false;
        }
        deferred = demand;
        return true;
    }

    /** The selector's task, declared non-blocking so that Jetty runs it where it was produced. */
    private final class InPlace implements Runnable, Invocable {
        private final Runnable task;

        InPlace(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            selector = Thread.currentThread();
            delivered = 0;
            try {
                task.run();
            } finally {
                selector = null;
                Runnable demand = deferred;
                deferred = null;
                if (demand != null) {
                    demand.run(); // outside the read loop: Jetty hands the reading to its pool
                }
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
