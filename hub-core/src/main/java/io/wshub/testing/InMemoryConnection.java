package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The hub's end of an in-memory connection. Frames from the client wait in an inbound queue and
 * reach the {@link ConnectionListener} one at a time: messages only on demand, control frames and
 * the close whenever they reach the head. Whichever thread adds an event or demand delivers,
 * unless another thread is already delivering, which then carries on; so callbacks never overlap.
 */
final class InMemoryConnection implements Connection {

    /** What the client sent, in order. */
    sealed interface Event {
    }

    record Text(String text) implements Event {
    }

    record Binary(byte[] data) implements Event {
    }

    record Ping(byte[] payload) implements Event {
    }

    record Pong(byte[] payload) implements Event {
    }

    /** The client's close frame. */
    record Close(CloseStatus status) implements Event {
    }

    /** The connection dropped: jumps the queue. */
    record Abort() implements Event {
    }

    private final InMemoryClient client;
    private final InetSocketAddress remoteAddress;

    // Guarded by "this".
    private final ArrayDeque<Event> inbound = new ArrayDeque<>();
    private ConnectionListener listener;
    private long demand;
    private boolean delivering;
    /** onClose has been taken for delivery: nothing follows it. */
    private boolean ended;

    InMemoryConnection(InMemoryClient client, InetSocketAddress remoteAddress) {
        this.client = client;
        this.remoteAddress = remoteAddress;
    }

    /** The hub opened the session: delivery may start. */
    void opened(ConnectionListener l) {
        synchronized (this) {
            listener = l;
        }
        deliver();
    }

    /** A frame, close or abort from the client. */
    void fromClient(Event event) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (event instanceof Abort) {
                inbound.addFirst(event);
            } else {
                inbound.addLast(event);
            }
        }
        deliver();
    }

    @Override
    public void send(Message[] frames, int count, SendCallback callback) {
        client.receiveWrite(frames, count, callback);
    }

    @Override
    public void ping(ByteBuffer payload) {
        client.receivePing(bytes(payload));
    }

    @Override
    public void close(CloseStatus status) {
        client.receiveClose(status);
    }

    @Override
    public void abort() {
        client.dropped();
        fromClient(new Abort());
    }

    @Override
    public void demand() {
        synchronized (this) {
            demand++;
        }
        deliver();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    private void deliver() {
        for (;;) {
            Event event;
            ConnectionListener l;
            synchronized (this) {
                if (listener == null || delivering) {
                    return; // not open yet, or the delivering thread will find this event
                }
                event = takeDeliverable();
                if (event == null) {
                    return;
                }
                delivering = true;
                l = listener;
            }
            try {
                dispatch(l, event);
            } finally {
                synchronized (this) {
                    delivering = false;
                }
            }
        }
    }

    /** The head event if it may go now; the caller holds the lock. */
    private Event takeDeliverable() {
        Event head = inbound.peekFirst();
        if (head == null || ended) {
            return null;
        }
        if ((head instanceof Text || head instanceof Binary)) {
            if (demand == 0) {
                return null;
            }
            demand--;
        }
        if (head instanceof Close || head instanceof Abort) {
            ended = true;
            inbound.clear();
            return head;
        }
        return inbound.pollFirst();
    }

    private void dispatch(ConnectionListener l, Event event) {
        if (event instanceof Text t) {
            l.onText(t.text());
        } else if (event instanceof Binary b) {
            l.onBinary(ByteBuffer.wrap(b.data()).asReadOnlyBuffer());
        } else if (event instanceof Ping p) {
            l.onPing(ByteBuffer.wrap(p.payload()).asReadOnlyBuffer());
        } else if (event instanceof Pong p) {
            l.onPong(ByteBuffer.wrap(p.payload()).asReadOnlyBuffer());
        } else if (event instanceof Close c) {
            client.closeHandshakeDone(c.status()); // the hub's transport echoes the close
            l.onClose(c.status());
        } else {
            client.dropped();
            l.onClose(CloseStatus.ABNORMAL);
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
