package io.wshub.spi;

import io.wshub.CloseStatus;
import io.wshub.internal.SerialQueue;
import io.wshub.internal.Utf8;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

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
 *       an event delivers it, unless another is delivering already, which then carries on with it
 *       (a {@link SerialQueue}). Events reported before the hub's listener exists ({@link #open})
 *       wait for it.</li>
 *   <li><b>One close.</b> The first {@link #closed} is delivered, last; everything reported after
 *       it is discarded (a binary message's buffer is released all the same).</li>
 *   <li><b>The size limit.</b> Every message is measured here, once: a whole one when it is
 *       reported, one the transport assembles from frames as it grows ({@link #withinLimit}). A
 *       message over the limit is not delivered; the listener hears a
 *       {@link MessageTooLargeException} instead, and closes with 1009.</li>
 *   <li><b>Streams.</b> A pipeline built with a stream limit takes every data frame as a chunk
 *       ({@link #chunk}): each answers one read and uses up one demand, so the hub reads a streamed
 *       message only as fast as its handler releases the chunks. Each chunk is held to the message
 *       limit, the message's chunks together to the stream limit, and a streamed text message's bytes
 *       are checked as UTF-8 as they arrive (an {@link InvalidPayloadException}: 1007). After a refusal
 *       the rest of that message is dropped here.</li>
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
    private sealed interface Event permits Text, Binary, Chunk, Ping, Pong, Failure, Close {
    }

    /** One frame of a streamed message, valid until the listener runs {@code release}. */
    private record Chunk(boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) implements Event {
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
    private final long maxMessageBytes;
    /** The largest streamed message, or 0 when messages are taken whole. */
    private final long maxStreamBytes;
    /** Held until the hub's listener exists. */
    private final SerialQueue<Event> events = new SerialQueue<>(this::deliver, true);

    // Confined to the events' consumer (one thread at a time, in order).
    /** Written before the events are released to the consumer, which reads it. */
    private ConnectionListener listener;
    /** The close went to the listener, or the hub never took the connection: the rest is discarded. */
    private boolean done;

    // All fields below are guarded by "this".
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
    /** A streamed message is under way (its first chunk was reported and its last was not). */
    private boolean inStream;
    private boolean streamText;
    private long streamBytes;
    /** The streamed message under way was refused: its remaining chunks are dropped. */
    private boolean refusingStream;
    /** Checks a streamed text message; made when the first is. */
    private Utf8.Validator utf8;

    /**
     * @param reader          reads the transport's socket on the pipeline's behalf
     * @param maxMessageBytes the largest message delivered, all its frames together
     *                        ({@link Admission.Accepted#maxMessageBytes()} on a server)
     */
    public InboundPipeline(Reader reader, long maxMessageBytes) {
        this(reader, maxMessageBytes, 0);
    }

    /**
     * A pipeline that takes messages as streams of chunks when {@code maxStreamBytes} is positive
     * ({@link Admission.Accepted#maxStreamBytes()}): the transport then reports every data frame with
     * {@link #chunk}.
     *
     * @param maxMessageBytes the largest whole message, or the largest chunk of a streamed one
     * @param maxStreamBytes  the largest streamed message, all its chunks together; 0 for whole messages
     */
    public InboundPipeline(Reader reader, long maxMessageBytes, long maxStreamBytes) {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
        }
        if (maxStreamBytes < 0) {
            throw new IllegalArgumentException("maxStreamBytes must be >= 0 (0: whole messages), was " + maxStreamBytes);
        }
        this.reader = reader;
        this.maxMessageBytes = maxMessageBytes;
        this.maxStreamBytes = maxStreamBytes;
    }

    /** Whether messages are taken as streams: the transport reports every data frame with {@link #chunk}. */
    public boolean streams() {
        return maxStreamBytes > 0;
    }

    // ---- the hub's side ----

    /** The hub's listener: what waited is delivered now. */
    public void open(ConnectionListener hubListener) {
        listener = hubListener;
        events.release();
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
        synchronized (this) {
            closed = true;
        }
        done = true; // before the release, so the consumer sees it
        events.release();
    }

    // ---- the transport's side ----

    /** A whole text message, read in answer to {@link Reader#readNext()}. */
    public void text(String text) {
        // At most 3 bytes per char: most messages are within the limit without counting.
        text(text, 3L * text.length() > maxMessageBytes ? Utf8.length(text) : 0);
    }

    /**
     * A whole text message, read in answer to {@link Reader#readNext()}, from a transport that
     * knows its UTF-8 size (or that it is within the limit: then 0 will do).
     */
    public void text(String text, long bytes) {
        if (bytes > maxMessageBytes) {
            tooLarge(bytes);
            return;
        }
        message(new Text(text));
    }

    /**
     * A whole binary message, read in answer to {@link Reader#readNext()}; {@code release} runs
     * once the listener is done with the buffer, or the message was dropped.
     */
    public void binary(ByteBuffer data, Runnable release) {
        Runnable r = release == null ? NOTHING_TO_RELEASE : release;
        if (data.remaining() > maxMessageBytes) {
            r.run();
            tooLarge(data.remaining());
            return;
        }
        message(new Binary(data, r));
    }

    /**
     * For a transport that assembles a message from frames, after each frame: whether the message,
     * grown to this many bytes, is still within the limit. When it is not, the message is refused
     * (it answered the read, and the listener hears a {@link MessageTooLargeException}); the
     * transport discards what it assembled and reports nothing more of it.
     */
    public boolean withinLimit(long messageBytesSoFar) {
        if (messageBytesSoFar <= maxMessageBytes) {
            return true;
        }
        tooLarge(messageBytesSoFar);
        return false;
    }

    /**
     * One data frame of a streamed message ({@link #streams()}), read in answer to
     * {@link Reader#readNext()}; {@code release} runs once the listener is done with the buffer, or
     * the chunk was dropped. The pipeline tells the message's first chunk from its order.
     *
     * @param text whether the message is text (read from its first frame; ignored for the others)
     * @param last whether the frame ends the message (FIN)
     */
    public void chunk(boolean text, ByteBuffer data, boolean last, Runnable release) {
        Runnable r = release == null ? NOTHING_TO_RELEASE : release;
        boolean first;
        boolean isText;
        boolean drop;
        RuntimeException refusal = null;
        synchronized (this) {
            first = !inStream;
            if (first) {
                streamText = text;
                streamBytes = 0;
                refusingStream = false;
                if (text) {
                    utf8 = new Utf8.Validator();
                }
            }
            isText = streamText;
            inStream = !last;
            drop = refusingStream;
            if (!drop) {
                streamBytes += data.remaining();
                if (data.remaining() > maxMessageBytes) {
                    refusal = new MessageTooLargeException(data.remaining(), maxMessageBytes);
                } else if (streamBytes > maxStreamBytes) {
                    refusal = new MessageTooLargeException(streamBytes, maxStreamBytes);
                } else if (isText && (!utf8.accept(data) || (last && !utf8.isComplete()))) {
                    refusal = new InvalidPayloadException("text message is not valid UTF-8");
                }
                refusingStream = refusal != null;
            }
        }
        if (drop) {
            r.run();
            control(null); // the rest of a refused message: the read is renewed, nothing delivered
        } else if (refusal != null) {
            r.run();
            message(new Failure(refusal));
        } else {
            message(new Chunk(isText, data, first, last, r));
        }
    }

    private void tooLarge(long bytes) {
        message(new Failure(new MessageTooLargeException(bytes, maxMessageBytes)));
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

    /** A report that used up the read without being a message; a null event delivers nothing. */
    private void control(Event event) {
        boolean read;
        synchronized (this) {
            readPending = false;
            read = claimRead();
        }
        if (event != null) {
            submit(event, read);
        } else if (read) {
            read();
        }
    }

    private void submit(Event event, boolean thenRead) {
        boolean accepted;
        synchronized (this) {
            accepted = !closed;
            if (accepted) {
                closed = event instanceof Close;
            }
        }
        if (accepted) {
            events.offer(event);
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

    /**
     * The events' consumer. Two threads may offer events in the other order than they were
     * accepted, so a close can be offered ahead of an event accepted just before it: what follows
     * the close in the queue is discarded here.
     */
    private void deliver(Event event) {
        if (done) {
            discard(event);
            return;
        }
        done = event instanceof Close;
        try {
            deliverTo(listener, event);
        } catch (RuntimeException e) {
            log.error("a connection listener threw on {}; the SPI forbids it", event.getClass().getSimpleName(), e);
        }
    }

    private static void deliverTo(ConnectionListener l, Event event) {
        if (event instanceof Text t) {
            l.onText(t.text());
        } else if (event instanceof Binary b) {
            try {
                l.onBinary(b.data());
            } finally {
                b.release().run();
            }
        } else if (event instanceof Chunk c) {
            l.onChunk(c.text(), c.data(), c.first(), c.last(), c.release());
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
        } else if (event instanceof Chunk c) {
            c.release().run();
        }
    }
}
