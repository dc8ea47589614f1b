package io.wshub.spi;

import io.wshub.CloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The inbound half of one connection, for transports: it keeps the {@link ConnectionListener}'s
 * promises in code, so a transport only reads its socket when told to and reports what it read.
 *
 * <ul>
 *   <li><b>Demand.</b> The hub asks for messages with {@link #demand()}, from any thread, as many
 *       ahead as it likes; the pipeline asks the transport for one message at a time
 *       ({@link Reader#readNext()}, at most one read outstanding), so a hub that stops asking
 *       stops the reading and TCP pushes back on the peer.</li>
 *   <li><b>Reading on until the close.</b> Once the hub closes ({@link #readUntilClose()}) the
 *       pipeline keeps reading so that the peer's close frame arrives; messages read then that the
 *       hub did not ask for are dropped here.</li>
 *   <li><b>Order and one at a time.</b> Events reach the listener in the order the transport
 *       reported them, never two at once, whatever threads report them: whichever thread reports
 *       an event delivers it, unless another is delivering already, which then carries on with it.
 *       Events reported before the hub's listener exists ({@link #open}) wait for it.</li>
 *   <li><b>One close.</b> The first {@link #closed} is delivered, last; everything reported after
 *       it is discarded (a binary message's buffer is released all the same).</li>
 * </ul>
 *
 * <p>A transport answers every {@link Reader#readNext()} with exactly one report: a whole message
 * ({@link #text}, {@link #binary}), a control frame ({@link #ping}, {@link #pong}: the pipeline
 * renews the read it used up), or the end ({@link #closed}). {@link #closed} and {@link #error} may
 * also come unasked, when the connection fails.
 *
 * <p>Decisions are made under this object's lock; the listener and the reader are called after it
 * is released.
 */
public final class InboundPipeline {

    /** How the pipeline reads the transport's socket. */
    @FunctionalInterface
    public interface Reader {
        /**
         * Reads the next message (or control frame) and reports it to the pipeline, now or later,
         * on any thread. Must not block or throw.
         */
        void readNext();
    }

    private static final Logger log = LoggerFactory.getLogger(InboundPipeline.class);

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

    private static final Runnable NOTHING_TO_RELEASE = () -> { };

    private final Reader reader;

    // All fields below are guarded by "this".
    private final ArrayDeque<Event> events = new ArrayDeque<>(2);
    private ConnectionListener listener;
    private boolean delivering;
    /** The close was accepted, or the connection abandoned: every later event is discarded. */
    private boolean closed;
    /** Messages the hub asked for and has not been given yet. */
    private long wanted;
    /** A read is outstanding. */
    private boolean readPending;
    /** The hub is closing: read on until the peer's close frame arrives. */
    private boolean readOn;
    /** A thread is inside {@link Reader#readNext()}; a read claimed meanwhile is issued by it, not nested. */
    private boolean inRead;
    private boolean readAgain;

    /** @param reader reads the transport's socket on the pipeline's behalf */
    public InboundPipeline(Reader reader) {
        this.reader = reader;
    }

    // ---- the hub's side ----

    /** The hub's listener: what waited is delivered now. */
    public void open(ConnectionListener hubListener) {
        synchronized (this) {
            listener = hubListener;
        }
        drain();
    }

    /** The hub asks for one more message (what {@link Connection#demand()} forwards to). */
    public void demand() {
        boolean read;
        synchronized (this) {
            wanted++;
            read = claimRead();
        }
        if (read) {
            read();
        }
    }

    /** The hub closes: reads on until the peer's close frame arrives, dropping what it did not ask for. */
    public void readUntilClose() {
        boolean read;
        synchronized (this) {
            readOn = true;
            read = claimRead();
        }
        if (read) {
            read();
        }
    }

    /** The hub never took the connection: discards what waited and everything that comes. */
    public void abandon() {
        ArrayDeque<Event> left;
        synchronized (this) {
            closed = true;
            left = new ArrayDeque<>(events);
            events.clear();
        }
        left.forEach(InboundPipeline::discard);
    }

    // ---- the transport's side ----

    /** A whole text message, read in answer to {@link Reader#readNext()}. */
    public void text(String text) {
        message(new Text(text));
    }

    /**
     * A whole binary message, read in answer to {@link Reader#readNext()}; {@code release} runs
     * once the listener is done with the buffer, or the message was dropped.
     */
    public void binary(ByteBuffer data, Runnable release) {
        message(new Binary(data, release == null ? NOTHING_TO_RELEASE : release));
    }

    /** A ping (the transport answers it); it used up the read outstanding, which is renewed. */
    public void ping(ByteBuffer payload) {
        control(new Ping(payload));
    }

    /** A pong; it used up the read outstanding, which is renewed. */
    public void pong(ByteBuffer payload) {
        control(new Pong(payload));
    }

    /** The transport failed; a {@link #closed} follows. */
    public void error(Throwable cause) {
        submit(new Failure(cause), false);
    }

    /** The connection ended; only the first report counts, and nothing is delivered after it. */
    public void closed(CloseStatus status) {
        submit(new Close(status), false);
    }

    private void message(Event event) {
        boolean wantedIt;
        boolean read;
        synchronized (this) {
            readPending = false;
            wantedIt = wanted > 0;
            if (wantedIt) {
                wanted--;
            }
            read = claimRead();
        }
        if (wantedIt) {
            submit(event, read);
        } else {
            discard(event); // read only to reach the peer's close frame
            if (read) {
                read();
            }
        }
    }

    private void control(Event event) {
        boolean read;
        synchronized (this) {
            readPending = false;
            read = claimRead();
        }
        submit(event, read);
    }

    private void submit(Event event, boolean thenRead) {
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
        if (thenRead) {
            read();
        }
    }

    /** Whether to read now; marks the read outstanding. The caller holds the lock. */
    private boolean claimRead() {
        if (closed || readPending || (wanted == 0 && !readOn)) {
            return false;
        }
        readPending = true;
        if (inRead) {
            readAgain = true; // the thread inside readNext() issues it when that returns
            return false;
        }
        inRead = true;
        return true;
    }

    /** Issues the claimed read, and those claimed while it ran, one after another. */
    private void read() {
        for (;;) {
            try {
                reader.readNext();
            } catch (RuntimeException e) {
                log.error("a transport's readNext threw; the InboundPipeline contract forbids it", e);
            }
            synchronized (this) {
                if (!readAgain) {
                    inRead = false;
                    return;
                }
                readAgain = false;
            }
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
                log.error("a connection listener threw on {}; the SPI forbids it", event.getClass().getSimpleName(), e);
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
