package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * One connection of a session: the transport's {@link Connection}, the {@link SessionWriter} that
 * drains the session's outbound queue into it, its rate limiter and liveness clock, and the
 * listener its transport reports to. A session has one at a time; with resume on it may move to a
 * new one, and what an old one's transport still reports is ignored by the session (see
 * {@link SessionState}). Every report goes to the session with this link, which decides.
 */
final class SessionLink implements ConnectionListener, SessionWriter.Events {

    /**
     * Where a held session points once its connection is gone, so that it keeps nothing of the
     * transport for the window: a writer that takes nothing, a connection that does nothing. It
     * gets no report: nothing is written through it and no transport knows it.
     */
    static final SessionLink DETACHED = new SessionLink();

    final HubSession session;
    final Connection connection;
    /** What the writer writes through: the connection, with the session's outbound streams in their places. */
    final StreamingConnection streams;
    final SessionWriter writer;
    /** Used only from this connection's inbound callbacks, which never overlap. */
    final RateLimiter limiter;
    /** When a frame last arrived, and when the hub last pinged, in the hub's clock. */
    volatile long lastInboundNanos;
    volatile long lastPingNanos;
    /** The streamed message arriving was refused (rate limit, closing): its remaining chunks are dropped. Inbound callbacks only. */
    boolean skippingStream;

    SessionLink(HubSession session, Connection connection, SessionContext context) {
        this.session = session;
        this.connection = connection;
        long now = context.clock().nanoTime();
        this.lastInboundNanos = now;
        this.lastPingNanos = now;
        var o = context.options();
        this.streams = new StreamingConnection(connection);
        this.writer = new SessionWriter(new OutboundQueue(o.maxQueuedMessages(), o.maxQueuedBytes(), o.overflowPolicy()),
                streams, context.flushExecutor(), this, context.clock(), context.budget());
        this.limiter = new RateLimiter(o.rateLimit(), now);
    }

    private SessionLink() {
        this.session = null;
        this.connection = NoConnection.INSTANCE;
        this.streams = new StreamingConnection(connection);
        this.writer = new SessionWriter(new OutboundQueue(1, 1, OverflowPolicy.DROP_NEWEST), connection,
                Runnable::run, this, () -> 0, new QueueBudget(Long.MAX_VALUE, 1, 1, new LongAdder(), () -> 0, () -> 0,
                        Duration.ofSeconds(1))); // a budget of its own: it never queues anything to count
        this.writer.terminate();
        this.limiter = new RateLimiter(RateLimit.UNLIMITED, 0);
    }

    /** The connection of {@link #DETACHED}: every call does nothing. */
    private enum NoConnection implements Connection {
        INSTANCE;

        @Override
        public void send(Message[] frames, int count, SendCallback callback) {
            callback.failed(new ClosedChannelException());
        }

        @Override
        public void ping(ByteBuffer payload) {
        }

        @Override
        public void close(CloseStatus status) {
        }

        @Override
        public void abort() {
        }

        @Override
        public void demand() {
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }
    }

    // ---- ConnectionListener: what the transport reports, one callback at a time ----

    @Override
    public void onText(String text) {
        session.onText(this, text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        session.onBinary(this, data);
    }

    @Override
    public void onChunk(boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) {
        session.onChunk(this, text, data, first, last, release);
    }

    @Override
    public void onPing(ByteBuffer payload) {
        session.heard(this);
    }

    @Override
    public void onPong(ByteBuffer payload) {
        session.heard(this);
    }

    @Override
    public void onError(Throwable cause) {
        session.onError(this, cause);
    }

    @Override
    public void onClose(CloseStatus status) {
        session.onClose(this, status);
    }

    // ---- SessionWriter.Events ----

    @Override
    public void written(int textMessages, int binaryMessages, long bytes) {
        session.written(textMessages, binaryMessages, bytes);
    }

    @Override
    public void droppedOldest(int messages, long bytes) {
        session.droppedOldest(messages);
    }

    @Override
    public void refusedNewest(long bytes) {
        session.refusedNewest();
    }

    @Override
    public void overflowed() {
        session.overflowed(this);
    }

    @Override
    public void writeFailed(Throwable cause) {
        session.writeFailed(this, cause);
    }

    @Override
    public void drainedForClose(CloseStatus status) {
        session.drainedForClose(this, status);
    }

    @Override
    public void conflated() {
        session.conflated();
    }

    @Override
    public void writabilityChanged(boolean writable) {
        session.writabilityChanged(this, writable);
    }

    @Override
    public String toString() {
        return session == null ? "SessionLink[detached]" : "SessionLink[" + session.id() + ", " + connection.remoteAddress() + "]";
    }
}
