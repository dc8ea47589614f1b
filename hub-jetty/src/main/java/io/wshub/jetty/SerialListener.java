package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.spi.ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Hands one connection's events to the hub's {@link ConnectionListener} one at a time, in order,
 * and keeps the promises of the transport SPI whatever thread Jetty reports on: callbacks never
 * overlap, the close is reported exactly once, and nothing follows it.
 *
 * <p>Events that arrive before the hub returned the listener wait here, so a frame read right
 * after the upgrade is neither lost nor delivered to nobody. Whichever thread submits an event
 * delivers it, unless another thread is delivering already; that thread then carries on with it.
 */
final class SerialListener {

    private static final Logger log = LoggerFactory.getLogger(SerialListener.class);

    /** One thing to tell the listener. */
    private sealed interface Event permits Text, Binary, Ping, Pong, Failure, Close {
    }

    private record Text(String text) implements Event {
    }

    /** A binary message whose buffer stays valid until {@code release} runs. */
    private record Binary(ByteBuffer data, Runnable release) implements Event {
    }

    private record Ping(ByteBuffer payload) implements Event {
    }

    private record Pong(ByteBuffer payload) implements Event {
    }

    private record Failure(Throwable cause) implements Event {
    }

    private record Close(CloseStatus status) implements Event {
    }

    // Guarded by "this".
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private ConnectionListener listener;
    private boolean delivering;
    /** The close was accepted: every later event is discarded. */
    private boolean closed;

    /** The hub returned its listener: what waited is delivered now. */
    void open(ConnectionListener l) {
        synchronized (this) {
            listener = l;
        }
        drain();
    }

    void text(String text) {
        submit(new Text(text));
    }

    /** A binary message; {@code release} runs once the listener is done with the buffer, or it was discarded. */
    void binary(ByteBuffer data, Runnable release) {
        submit(new Binary(data, release));
    }

    void ping(ByteBuffer payload) {
        submit(new Ping(payload));
    }

    void pong(ByteBuffer payload) {
        submit(new Pong(payload));
    }

    void error(Throwable cause) {
        submit(new Failure(cause));
    }

    /** The connection ended; only the first close counts. */
    void close(CloseStatus status) {
        submit(new Close(status));
    }

    /** The hub never took the connection: discards what waited and everything that comes. */
    void abandon() {
        ArrayDeque<Event> left;
        synchronized (this) {
            closed = true;
            left = new ArrayDeque<>(events);
            events.clear();
        }
        left.forEach(SerialListener::discard);
    }

    private void submit(Event event) {
        boolean accepted;
        synchronized (this) {
            accepted = !closed;
            if (accepted) {
                closed = event instanceof Close;
                events.addLast(event);
            }
        }
        if (accepted) {
            drain();
        } else {
            discard(event);
        }
    }

    private void drain() {
        for (;;) {
            Event event;
            ConnectionListener l;
            synchronized (this) {
                if (listener == null || delivering) {
                    return; // not open yet, or the delivering thread will find this event
                }
                event = events.pollFirst();
                if (event == null) {
                    return;
                }
                delivering = true;
                l = listener;
            }
            try {
                deliver(l, event);
            } catch (RuntimeException e) {
                log.error("connection listener threw on {}; the SPI forbids it", event.getClass().getSimpleName(), e);
            } finally {
                synchronized (this) {
                    delivering = false;
                }
            }
        }
    }

    private static void deliver(ConnectionListener l, Event event) {
        if (event instanceof Text t) {
            l.onText(t.text());
        } else if (event instanceof Binary b) {
            try {
                l.onBinary(b.data());
            } finally {
                b.release().run();
            }
        } else if (event instanceof Ping p) {
            l.onPing(p.payload());
        } else if (event instanceof Pong p) {
            l.onPong(p.payload());
        } else if (event instanceof Failure f) {
            l.onError(f.cause());
        } else if (event instanceof Close c) {
            l.onClose(c.status());
        }
    }

    private static void discard(Event event) {
        if (event instanceof Binary b) {
            b.release().run();
        }
    }
}
