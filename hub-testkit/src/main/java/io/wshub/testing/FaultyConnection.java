package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.Scheduler;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * One server-side connection of a {@link FaultyTransport}: it passes everything to the real
 * connection below it, except that the test can make its writes fail in the ways a network does.
 * A fault applies to the writes that come after it is set, until another is set:
 * <ul>
 *   <li>{@link #delayWrites(Duration)}: each write goes out (and its callback completes) only after
 *       the delay, on the scheduler the test controls, in order;</li>
 *   <li>{@link #dropWrites()}: each write completes at once without reaching the peer, as data lost
 *       on the way;</li>
 *   <li>{@link #stallWrites()}: a write stays in flight, never completing, until the test calls
 *       {@link #deliverWrites()}, as a peer that stopped reading behind a full TCP window;</li>
 *   <li>{@link #cut()}: the connection ends at once, reported to the hub as 1006 with no close
 *       frame, as a cable pulled out (the peer loses it too).</li>
 * </ul>
 * {@link #deliverWrites()} ends a fault: from then on writes go straight through, and a write held
 * by the fault goes out now. When the connection ends, a held write fails, so every write still
 * completes exactly once.
 *
 * <p>It relies on the hub's promise to a transport: at most one write outstanding.
 */
public final class FaultyConnection implements Connection {

    private enum Fault { NONE, DELAY, DROP, STALL }

    /** A write held back by a delay or a stall. */
    private record Held(Message[] frames, int count, SendCallback callback) {
    }

    private final String sessionId;
    private final Connection connection;
    private final Scheduler scheduler;

    // Guarded by "this".
    private Fault fault = Fault.NONE;
    private Duration delay = Duration.ZERO;
    private Held held;
    private Scheduler.Cancellable heldTimer;
    private boolean ended;
    private long dropped;

    FaultyConnection(String sessionId, Connection connection, Scheduler scheduler) {
        this.sessionId = sessionId;
        this.connection = connection;
        this.scheduler = scheduler;
    }

    /** The id of the hub's session on this connection. */
    public String sessionId() {
        return sessionId;
    }

    // ---- the faults ----

    /** Holds each later write for this long (on the transport's scheduler) before it goes out. */
    public synchronized void delayWrites(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + delay);
        }
        this.fault = Fault.DELAY;
        this.delay = delay;
    }

    /** Completes each later write at once, successfully, without sending it. */
    public synchronized void dropWrites() {
        fault = Fault.DROP;
    }

    /** Leaves each later write in flight, uncompleted, until {@link #deliverWrites()}. */
    public synchronized void stallWrites() {
        fault = Fault.STALL;
    }

    /** Ends the fault: writes go straight through again, and a held one goes out now. */
    public void deliverWrites() {
        Held release;
        synchronized (this) {
            fault = Fault.NONE;
            release = takeHeld();
        }
        if (release != null) {
            connection.send(release.frames(), release.count(), release.callback());
        }
    }

    /**
     * Cuts the connection: the hub hears of its end as 1006, without a close frame, and the peer
     * loses the connection too. A held write fails.
     */
    public void cut() {
        connection.abort();
    }

    // ---- what the test reads ----

    /** Whether a write is held back by a delay or a stall. */
    public synchronized boolean hasHeldWrite() {
        return held != null;
    }

    /** How many writes {@link #dropWrites()} dropped. */
    public synchronized long droppedWrites() {
        return dropped;
    }

    /** Whether the connection has ended (its close reported to the hub). */
    public synchronized boolean isEnded() {
        return ended;
    }

    // ---- Connection ----

    @Override
    public void send(Message[] frames, int count, SendCallback callback) {
        Fault now;
        synchronized (this) {
            now = ended ? Fault.NONE : fault; // after the end the connection below fails the write
            if (now == Fault.DROP) {
                dropped++;
            } else if (now == Fault.DELAY || now == Fault.STALL) {
                if (held != null) {
                    throw new IllegalStateException("a second write while one is outstanding on " + sessionId);
                }
                Held h = new Held(frames, count, callback);
                held = h;
                if (now == Fault.DELAY) {
                    heldTimer = scheduler.schedule(() -> delayOver(h), delay);
                }
            }
        }
        if (now == Fault.NONE) {
            connection.send(frames, count, callback);
        } else if (now == Fault.DROP) {
            callback.succeeded();
        }
    }

    /** The frames of a message sent as a stream pass untouched: the faults hold back whole writes. */
    @Override
    public void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        connection.sendChunk(text, chunk, first, last, callback);
    }

    @Override
    public void ping(ByteBuffer payload) {
        connection.ping(payload);
    }

    @Override
    public void close(CloseStatus status) {
        connection.close(status);
    }

    @Override
    public void abort() {
        connection.abort();
    }

    @Override
    public void demand() {
        connection.demand();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    // ---- the hub's listener, seen on the way ----

    /** Wraps the hub's listener, to hear of the connection's end. */
    ConnectionListener listen(ConnectionListener listener) {
        return new ForwardingListener(listener) {
            @Override
            public void onClose(CloseStatus status) {
                ended();
                super.onClose(status);
            }
        };
    }

    private void delayOver(Held h) {
        synchronized (this) {
            if (held != h) {
                return; // delivered or failed meanwhile
            }
            held = null;
            heldTimer = null;
        }
        connection.send(h.frames(), h.count(), h.callback());
    }

    private void ended() {
        Held failed;
        synchronized (this) {
            ended = true;
            failed = takeHeld();
        }
        if (failed != null) {
            failed.callback().failed(new ClosedChannelException());
        }
    }

    /** Takes the held write, if any, and cancels its timer; the caller holds the lock. */
    private Held takeHeld() {
        Held h = held;
        held = null;
        if (heldTimer != null) {
            heldTimer.cancel();
            heldTimer = null;
        }
        return h;
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "FaultyConnection[" + sessionId + ", " + fault + (fault == Fault.DELAY ? " " + delay : "") + "]";
        }
    }
}
