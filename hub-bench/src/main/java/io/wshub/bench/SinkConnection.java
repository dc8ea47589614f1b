package io.wshub.bench;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A transport connection that accepts every write at once and allocates nothing: what a
 * benchmark measures through it is the hub's own cost. Counts the frames it was given, so that
 * the work cannot be optimised away and a benchmark can wait for a fan-out to finish.
 */
final class SinkConnection implements Connection {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 40_000);

    /** Frames written; shared by all the sinks of a hub, added to by the hub's writing threads. */
    private final LongAdder frames;
    /** Where the end of the connection is reported; set once when the session opens. */
    private volatile ConnectionListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();

    /** A sink with its own count. */
    SinkConnection() {
        this(new LongAdder());
    }

    /** A sink adding to a count shared with others. */
    SinkConnection(LongAdder frames) {
        this.frames = frames;
    }

    long frames() {
        return frames.sum();
    }

    /** The session opened on this connection; its end will be reported here. */
    void opened(ConnectionListener sessionListener) {
        this.listener = sessionListener;
    }

    @Override
    public void send(Message[] batch, int count, SendCallback callback) {
        frames.add(count);
        callback.succeeded();
    }

    @Override
    public void ping(ByteBuffer payload) {
    }

    /** The peer answers at once, as a well-behaved client would. */
    @Override
    public void close(CloseStatus status) {
        end(status);
    }

    @Override
    public void abort() {
        end(CloseStatus.ABNORMAL);
    }

    private void end(CloseStatus status) {
        ConnectionListener l = listener;
        if (l != null && ended.compareAndSet(false, true)) {
            l.onClose(status);
        }
    }

    @Override
    public void demand() {
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ADDRESS;
    }
}
