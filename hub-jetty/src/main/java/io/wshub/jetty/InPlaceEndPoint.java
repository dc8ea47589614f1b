package io.wshub.jetty;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

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
 *
 * <p>After a read that took less than it had room for (the socket was empty then) it does not read
 * again to find that out: the next read reports nothing, and the reader waits for the selector.
 *
 * <p>Its writes queue: one that arrives while another is in flight waits for it, where a plain
 * socket would refuse it. Jetty's frame flusher (the close handshake, pings, pongs) and the hub's
 * {@link FrameWriter} each have one write in flight at most and may write at the same moment; here
 * both leave whole, in the order they were made.
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

    /**
     * The last read took less than it had room for. Reads of one socket never overlap, and Jetty
     * hands the reading from thread to thread through its fill interest, which orders them.
     */
    private boolean emptied;

    private final ByteBufferPool pool;
    /** Guards the fields below it. */
    private final Object writes = new Object();
    /** Whether a write is in flight. */
    private boolean writing;
    /** Who hears of the write in flight. */
    private Callback current;
    /** Whether the hub's data ended: a close frame may follow. */
    private boolean dataEnded;
    /** The writes that arrived while one was in flight, in order; made when first needed. */
    private ArrayDeque<Write> waiting;
    /** The callback of every write handed to the socket: one is in flight at a time. */
    private final Callback completion = new Completion();

    InPlaceEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler, ByteBufferPool pool) {
        super(channel, selector, key, scheduler);
        this.pool = pool;
    }

    /** A writer of the hub's frames straight to this socket; {@code fragmentAt} as {@link FrameWriter} takes it. */
    FrameWriter frameWriter(long fragmentAt) {
        return new FrameWriter(this, pool, fragmentAt);
    }

    /** Writes now, or once the writes in flight and waiting before it are done. */
    @Override
    public void write(Callback callback, ByteBuffer... buffers) {
        submit(callback, buffers, false);
    }

    /**
     * Writes data frames, like {@link #write}, unless the data has {@link #endData ended}: then
     * the callback fails, and nothing is written after the close frame.
     */
    void writeData(Callback callback, ByteBuffer bytes) {
        submit(callback, new ByteBuffer[] {bytes}, true);
    }

    /** Refuses data once it ended; else makes this the write in flight, or queues it behind the one there. */
    private void submit(Callback callback, ByteBuffer[] buffers, boolean data) {
        boolean refused;
        boolean start;
        synchronized (writes) {
            refused = data && dataEnded;
            start = !refused && startOrWait(callback, buffers);
        }
        if (refused) {
            callback.failed(new ClosedChannelException());
        } else if (start) {
            toSocket(completion, buffers);
        }
    }

    /** From now on {@link #writeData} refuses: a close frame may follow. */
    void endData() {
        synchronized (writes) {
            dataEnded = true;
        }
    }

    /** Under the lock: makes this the write in flight (true), or queues it behind the one there. */
    private boolean startOrWait(Callback callback, ByteBuffer[] buffers) {
        if (writing) {
            if (waiting == null) {
                waiting = new ArrayDeque<>(2);
            }
            waiting.add(new Write(callback, buffers));
            return false;
        }
        writing = true;
        current = callback;
        return true;
    }

    /** Hands the write in flight to the socket, {@code completion} its callback (tests look in here). */
    void toSocket(Callback completion, ByteBuffer[] buffers) {
        super.write(completion, buffers);
    }

    /** A write that waits for the one in flight. */
    private record Write(Callback callback, ByteBuffer[] buffers) {
    }

    /**
     * Starts the next write, if one waits, then tells the finished one's callback: a write that
     * callback makes queues behind those that were already waiting.
     */
    private final class Completion implements Callback {
        @Override
        public void succeeded() {
            Callback finished;
            Write next;
            synchronized (writes) {
                finished = current;
                next = waiting == null ? null : waiting.poll();
                current = next == null ? null : next.callback();
                writing = next != null;
            }
            if (next != null) {
                toSocket(completion, next.buffers());
            }
            finished.succeeded();
        }

        /** The socket failed: so do the writes waiting for it. */
        @Override
        public void failed(Throwable cause) {
            Callback finished;
            ArrayDeque<Write> failing;
            synchronized (writes) {
                finished = current;
                current = null;
                writing = false;
                failing = waiting;
                waiting = null;
            }
            finished.failed(cause);
            if (failing != null) {
                failing.forEach(w -> w.callback().failed(cause));
            }
        }

        @Override
        public InvocationType getInvocationType() {
            Callback c;
            synchronized (writes) {
                c = current;
            }
            return c == null ? InvocationType.NON_BLOCKING : Invocable.getInvocationType(c);
        }
    }

    /** From now on the selector runs what it finds ready on this socket itself. */
    void readInPlace() {
        inPlace = true;
    }

    /** Whether the selector runs what it finds ready on this socket itself. */
    boolean readsInPlace() {
        return inPlace;
    }

    /**
     * Writes one buffer with {@code write(2)}: Jetty hands every flush to the channel's gathering
     * write, and the JDK then fills a native iovec (a thread-local lookup, two stores per buffer)
     * for {@code writev(2)} even when it holds one buffer, which every write of the hub's
     * {@link FrameWriter} is.
     */
    @Override
    public boolean flush(ByteBuffer... buffers) throws IOException {
        if (buffers.length != 1) {
            return super.flush(buffers);
        }
        ByteBuffer buffer = buffers[0];
        try {
            if (getChannel().write(buffer) > 0) {
                notIdle();
            }
        } catch (IOException e) {
            throw new EofException(e); // as Jetty's flush: the connection is gone, not the server broken
        }
        return !buffer.hasRemaining();
    }

    /**
     * Reads, unless the read before took less than it had room for: the socket was empty then, so
     * this read would only find that out again, one system call per message. It reports nothing
     * read instead, the reader waits for the selector, and the selector finds what came since
     * (its readiness is level-triggered), at once if anything did.
     */
    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        if (emptied) {
            emptied = false;
            return 0;
        }
        int room = buffer.capacity() - buffer.limit();
        int filled = super.fill(buffer);
        emptied = filled > 0 && filled < room;
        return filled;
    }

    @Override
    public Runnable onSelected() {
        emptied = false; // the selector saw the socket ready
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
