package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.SendCallback;

import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client end of an in-memory connection to a hub. It sends frames, collects everything the
 * hub writes, answers pings and close frames by itself (both can be turned off), and reads at a
 * pace the test sets: all the time, not at all ({@link #pauseReading()}), or a given number of
 * frames ({@link #allowReads(int)}). A hub write completes only when the client has read all of
 * its frames, so a paused reader is a slow consumer.
 */
public final class InMemoryClient implements AutoCloseable {

    /** A message the hub sent: text or binary. */
    public record Received(String text, byte[] binary) {
        /** Whether it is a text message. */
        public boolean isText() {
            return text != null;
        }
    }

    /** A write of the hub's, not yet fully read. */
    private static final class PendingWrite {
        final Message[] frames;
        final SendCallback callback;
        int read;

        PendingWrite(Message[] frames, SendCallback callback) {
            this.frames = frames;
            this.callback = callback;
        }
    }

    /** One frame of a message the hub sends as a stream. */
    private record ChunkWrite(boolean text, byte[] data, boolean last, SendCallback callback) {
    }

    private record PingFrame(byte[] payload) {
    }

    private record CloseFrame(CloseStatus status) {
    }

    private final String sessionId;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private InMemoryConnection connection;

    // Guarded by "this".
    private final ArrayDeque<Object> incoming = new ArrayDeque<>();
    private long readBudget = Long.MAX_VALUE;
    private boolean autoPong = true;
    private boolean answerClose = true;
    private boolean closeSent;
    private boolean dropped;
    /** The connection is over: closed by handshake or dropped. */
    private boolean ended;
    private int pingsReceived;
    private long messagesRead;
    private boolean discard;
    private CloseStatus closeReceived;
    /** The streamed message arriving, assembled (a test client's messages are small). */
    private final ByteArrayOutputStream assembling = new ByteArrayOutputStream();
    private long chunksRead;

    InMemoryClient(String sessionId) {
        this.sessionId = sessionId;
    }

    void attach(InMemoryConnection c) {
        this.connection = c;
    }

    /** The id the hub gave this session. */
    public String sessionId() {
        return sessionId;
    }

    // ---- sending ----

    /** Sends a text message to the hub. */
    public void sendText(String text) {
        connection.fromClient(new InMemoryConnection.Text(text));
    }

    /** Sends a binary message to the hub. */
    public void sendBinary(byte[] data) {
        connection.fromClient(new InMemoryConnection.Binary(data.clone()));
    }

    /** Sends a ping; the hub's transport would answer it, so only the hub's liveness clock notices. */
    /**
     * Sends one frame of a message as a stream ({@code last} ends it), to a hub whose handler takes
     * messages as streams ({@link io.wshub.HubHandler#streamsMessages()}); whole messages reach such a hub
     * as one chunk each.
     *
     * @throws IllegalStateException when the hub takes whole messages
     */
    public void sendChunk(boolean text, byte[] data, boolean last) {
        if (!connection.streams()) {
            throw new IllegalStateException("this hub takes whole messages: send them whole");
        }
        connection.fromClient(new InMemoryConnection.Chunk(text, data.clone(), last));
    }

    public void sendPing() {
        connection.fromClient(new InMemoryConnection.Ping(new byte[0]));
    }

    /** Sends a close frame; the hub reports the close once it reads it. */
    public void close(int code, String reason) {
        CloseStatus status = new CloseStatus(code, reason).requireSendable();
        synchronized (this) {
            if (closeSent || dropped) {
                return;
            }
            closeSent = true;
        }
        connection.fromClient(new InMemoryConnection.Close(status));
    }

    /** Closes normally (1000). */
    @Override
    public void close() {
        close(1000, "");
    }

    /** Drops the connection without a close handshake, as a network failure would. */
    public void abort() {
        dropped();
        connection.fromClient(new InMemoryConnection.Abort());
    }

    // ---- reading pace ----

    /** Stops reading: the hub's writes stay in flight and its queue fills. */
    public void pauseReading() {
        synchronized (this) {
            readBudget = 0;
        }
    }

    /** Reads freely again. */
    public void resumeReading() {
        synchronized (this) {
            readBudget = Long.MAX_VALUE;
        }
        pump();
    }

    /** Reads this many more frames (data frames, pings and the close), then stops. */
    public void allowReads(int frames) {
        synchronized (this) {
            readBudget = frames;
        }
        pump();
    }

    /**
     * Counts what arrives without keeping it (see {@link #messagesRead()}): for benchmarks and
     * long runs, where storing every message would measure this client instead of the hub.
     */
    public synchronized void discardMessages() {
        discard = true;
    }

    /** How many data frames the client has read, kept or discarded. */
    public synchronized long messagesRead() {
        return messagesRead;
    }

    /** How many frames of streamed messages it has read. */
    public synchronized long chunksRead() {
        return chunksRead;
    }

    /** Whether to answer pings with pongs (default true). */
    public synchronized void autoPong(boolean on) {
        autoPong = on;
    }

    /** Whether to answer the hub's close frame (default true); off, the hub must time out. */
    public synchronized void answerClose(boolean on) {
        answerClose = on;
    }

    // ---- what arrived ----

    /**
     * The next text message, waiting at most {@code timeout}.
     *
     * @throws AssertionError when none arrives in time or the next message is binary
     */
    public String nextText(Duration timeout) {
        Received m = poll(timeout).orElseThrow(() -> new AssertionError(
                "no message within " + timeout + (closed.isDone() ? "; connection closed: " + closed.join() : "")));
        if (!m.isText()) {
            throw new AssertionError("expected a text message, got " + m.binary().length + " binary bytes");
        }
        return m.text();
    }

    /**
     * The next binary message, waiting at most {@code timeout}.
     *
     * @throws AssertionError when none arrives in time or the next message is text
     */
    public byte[] nextBinary(Duration timeout) {
        Received m = poll(timeout).orElseThrow(() -> new AssertionError("no message within " + timeout));
        if (m.isText()) {
            throw new AssertionError("expected a binary message, got text: " + m.text());
        }
        return m.binary();
    }

    /** The next message, if one arrives within {@code timeout}. */
    public Optional<Received> poll(Duration timeout) {
        try {
            return Optional.ofNullable(received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Every message received and not yet taken, without waiting. */
    public List<Received> drain() {
        List<Received> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    /** How many pings the client has read. */
    public synchronized int pingsReceived() {
        return pingsReceived;
    }

    /** Whether the connection has ended (close handshake done, close frame read, or dropped). */
    public boolean isClosed() {
        return closed.isDone();
    }

    /**
     * How the connection ended: the hub's close status, or 1006 when it was dropped.
     *
     * @throws AssertionError when it has not ended within {@code timeout}
     */
    public CloseStatus awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection still open after " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    // ---- the hub's side calls these ----

    void receiveWrite(Message[] frames, int count, SendCallback callback) {
        boolean refuse;
        boolean readNow = false;
        synchronized (this) {
            refuse = ended || closeReceived != null;
            if (!refuse) {
                if (incoming.isEmpty() && readBudget == Long.MAX_VALUE) {
                    // Reading freely with nothing ahead: take the frames now, allocating nothing
                    // when discarding (so benchmarks measure the hub, not this test transport).
                    for (int i = 0; i < count; i++) {
                        take(frames[i]);
                    }
                    readNow = true;
                } else {
                    incoming.addLast(new PendingWrite(Arrays.copyOf(frames, count), callback));
                }
            }
        }
        if (refuse) {
            callback.failed(new ClosedChannelException());
        } else if (readNow) {
            callback.succeeded();
        } else {
            pump();
        }
    }

    /** Reads one data frame; the caller holds the lock. */
    private void take(Message f) {
        messagesRead++;
        if (!discard) {
            received.add(f.isText() ? new Received(f.text(), null) : new Received(null, InMemoryConnection.bytes(f.payload())));
        }
    }

    void receiveChunk(boolean text, byte[] data, boolean last, SendCallback callback) {
        boolean refuse;
        synchronized (this) {
            refuse = ended || closeReceived != null;
            if (!refuse) {
                incoming.addLast(new ChunkWrite(text, data, last, callback));
            }
        }
        if (refuse) {
            callback.failed(new ClosedChannelException());
        } else {
            pump();
        }
    }

    void receivePing(byte[] payload) {
        synchronized (this) {
            if (ended) {
                return;
            }
            incoming.addLast(new PingFrame(payload));
        }
        pump();
    }

    void receiveClose(CloseStatus status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            incoming.addLast(new CloseFrame(status));
        }
        pump();
    }

    /** The client's own close frame was read by the hub, which echoes it. */
    void closeHandshakeDone(CloseStatus status) {
        List<SendCallback> failed;
        synchronized (this) {
            ended = true;
            failed = takePendingWrites();
        }
        failed.forEach(cb -> cb.failed(new ClosedChannelException()));
        closed.complete(status);
    }

    /** The connection dropped: unread writes fail. */
    void dropped() {
        List<SendCallback> failed;
        synchronized (this) {
            dropped = true;
            ended = true;
            failed = takePendingWrites();
        }
        failed.forEach(cb -> cb.failed(new ClosedChannelException()));
        closed.complete(CloseStatus.ABNORMAL);
    }

    private List<SendCallback> takePendingWrites() {
        List<SendCallback> callbacks = new ArrayList<>();
        for (Object item : incoming) {
            if (item instanceof PendingWrite w) {
                callbacks.add(w.callback);
            } else if (item instanceof ChunkWrite c) {
                callbacks.add(c.callback());
            }
        }
        incoming.clear();
        return callbacks;
    }

    /** Reads what the budget allows; completes callbacks and answers outside the lock. */
    private void pump() {
        for (;;) {
            SendCallback completed = null;
            boolean pong = false;
            CloseStatus echo = null;
            CloseStatus closedBy = null;
            synchronized (this) {
                Object head = incoming.peekFirst();
                if (head == null || readBudget == 0 || ended) {
                    return;
                }
                readBudget--;
                if (head instanceof PendingWrite w) {
                    take(w.frames[w.read++]);
                    if (w.read == w.frames.length) {
                        incoming.pollFirst();
                        completed = w.callback;
                    }
                } else if (head instanceof ChunkWrite c) {
                    incoming.pollFirst();
                    chunksRead++;
                    assembling.writeBytes(c.data());
                    if (c.last()) {
                        messagesRead++;
                        byte[] whole = assembling.toByteArray();
                        assembling.reset();
                        if (!discard) {
                            received.add(c.text() ? new Received(new String(whole, StandardCharsets.UTF_8), null)
                                    : new Received(null, whole));
                        }
                    }
                    completed = c.callback();
                } else if (head instanceof PingFrame) {
                    incoming.pollFirst();
                    pingsReceived++;
                    pong = autoPong;
                } else if (head instanceof CloseFrame c) {
                    incoming.pollFirst();
                    closeReceived = c.status();
                    closedBy = c.status();
                    if (answerClose && !closeSent) {
                        closeSent = true;
                        echo = c.status();
                    }
                }
            }
            if (completed != null) {
                completed.succeeded();
            }
            if (pong) {
                connection.fromClient(new InMemoryConnection.Pong(new byte[0]));
            }
            if (closedBy != null) {
                closed.complete(closedBy);
                if (echo != null) {
                    connection.fromClient(new InMemoryConnection.Close(echo));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "InMemoryClient[" + sessionId + "]";
    }
}
