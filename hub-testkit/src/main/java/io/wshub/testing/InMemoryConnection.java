package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.InboundPipeline;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The hub's end of an in-memory connection. What the client sends waits in a queue, the
 * connection's "socket"; the {@link InboundPipeline} reads from it one event at a time when the hub
 * demands (and on until the close once the hub closes), exactly as it reads a real socket in the
 * Jetty adapter, and keeps the listener's promises. A client's abort does not wait to be read.
 */
final class InMemoryConnection implements Connection {

    /** What the client sent, in order. */
    sealed interface Event {
    }

    record Text(String text) implements Event {
    }

    record Binary(byte[] data) implements Event {
    }

    /** One frame of a message the client sends as a stream. */
    record Chunk(boolean text, byte[] data, boolean last) implements Event {
    }

    record Ping(byte[] payload) implements Event {
    }

    record Pong(byte[] payload) implements Event {
    }

    /** The client's close frame. */
    record Close(CloseStatus status) implements Event {
    }

    /** The connection dropped: reported at once, ahead of whatever waits. */
    record Abort() implements Event {
    }

    private final InMemoryClient client;
    private final InetSocketAddress remoteAddress;
    private final InboundPipeline inbound;

    // Guarded by "this".
    private final ArrayDeque<Event> sent = new ArrayDeque<>();
    /** The pipeline asked for the next event and none was there yet. */
    private boolean readPending;

    InMemoryConnection(InMemoryClient client, InetSocketAddress remoteAddress, long maxMessageBytes, long maxStreamBytes) {
        this.client = client;
        this.remoteAddress = remoteAddress;
        this.inbound = new InboundPipeline(this::readNext, maxMessageBytes, maxStreamBytes);
    }

    /** Whether the hub takes messages as streams of chunks. */
    boolean streams() {
        return inbound.streams();
    }

    /** The hub opened the session: delivery may start. */
    void opened(ConnectionListener l) {
        inbound.open(l);
    }

    /** A frame, close or abort from the client. */
    void fromClient(Event event) {
        if (event instanceof Abort) {
            dropped();
            return;
        }
        boolean read;
        synchronized (this) {
            sent.addLast(event);
            read = readPending;
            readPending = false;
        }
        if (read) {
            readNext();
        }
    }

    @Override
    public void send(Message[] messages, int count, SendCallback callback) {
        client.receiveWrite(messages, count, callback);
    }

    @Override
    public void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        client.receiveChunk(text, bytes(chunk), last, callback);
    }

    @Override
    public void ping(ByteBuffer payload) {
        client.receivePing(bytes(payload));
    }

    @Override
    public void close(CloseStatus status) {
        client.receiveClose(status);
        inbound.readUntilClose();
    }

    @Override
    public void abort() {
        dropped();
    }

    @Override
    public void demand() {
        inbound.demand();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    private void dropped() {
        client.dropped();
        inbound.closed(CloseStatus.ABNORMAL);
    }

    /** The pipeline's read: the next thing the client sent, now or as soon as it sends it. */
    private void readNext() {
        Event event;
        synchronized (this) {
            event = sent.pollFirst();
            readPending = event == null;
        }
        if (event instanceof Chunk c) {
            inbound.chunk(c.text(), ByteBuffer.wrap(c.data()).asReadOnlyBuffer(), c.last(), null);
        } else if (event instanceof Text t && inbound.streams()) {
            inbound.chunk(true, ByteBuffer.wrap(t.text().getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer(), true, null);
        } else if (event instanceof Binary b && inbound.streams()) {
            inbound.chunk(false, ByteBuffer.wrap(b.data()).asReadOnlyBuffer(), true, null);
        } else if (event instanceof Text t) {
            inbound.text(t.text());
        } else if (event instanceof Binary b) {
            inbound.binary(ByteBuffer.wrap(b.data()).asReadOnlyBuffer(), null);
        } else if (event instanceof Ping p) {
            inbound.ping(ByteBuffer.wrap(p.payload()).asReadOnlyBuffer());
        } else if (event instanceof Pong p) {
            inbound.pong(ByteBuffer.wrap(p.payload()).asReadOnlyBuffer());
        } else if (event instanceof Close c) {
            client.closeHandshakeDone(c.status()); // the hub's transport echoes the close
            inbound.closed(c.status());
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
