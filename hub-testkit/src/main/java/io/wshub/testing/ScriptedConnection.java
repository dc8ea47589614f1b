package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.SendCallback;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's end of a {@link ScriptedTransport} connection. It records what the client writes,
 * answers pings (unless told to stop), delivers what the "server" sends on the client's demand, and
 * keeps the {@link ClientConnection} promises: one callback per send, one close report, nothing after.
 * Writes complete at once unless {@link #holdWrites()} is called. It streams both ways: what the
 * client writes with {@link #sendChunk} is recorded chunk by chunk, and the server may send a message
 * as chunks ({@link #serverSendsChunk}), each delivered on one demand, as a transport does for a
 * request that streams.
 */
public final class ScriptedConnection implements ClientConnection {

    private final ClientConnectionListener listener;
    // Guarded by "this".
    private final List<String> written = new ArrayList<>();
    /** What the server sent and the client has not taken: a text message or a {@link ChunkSent}. */
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    /** A message the server sends as chunks is under way. */
    private boolean serverStreaming;
    private int demand;
    private int pings;
    private boolean answerPings = true;
    private boolean answerClose = true;
    private boolean holdWrites;
    private SendCallback heldWrite;
    private CloseStatus closeSent;
    private boolean aborted;
    private boolean ended;

    ScriptedConnection(ClientConnectionListener listener) {
        this.listener = listener;
    }

    private record ChunkSent(boolean text, byte[] data, boolean first, boolean last) {
    }

    @Override
    public void send(Message frame, SendCallback callback) {
        write(frame.isText() ? frame.text() : "binary:" + StandardCharsets.ISO_8859_1.decode(frame.payload()), callback);
    }

    /** Records the chunk as {@code chunk[first,last]:} and its bytes (ISO-8859-1), then completes like a send. */
    @Override
    public void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        write("chunk[" + (text ? "text" : "binary") + (first ? ",first" : "") + (last ? ",last" : "") + "]:"
                + StandardCharsets.ISO_8859_1.decode(chunk.duplicate()), callback);
    }

    private void write(String record, SendCallback callback) {
        synchronized (this) {
            if (heldWrite != null) {
                throw new AssertionError("a second send while one is outstanding");
            }
            if (!ended) {
                written.add(record);
                if (holdWrites) {
                    heldWrite = callback;
                    return;
                }
            }
        }
        if (isEnded()) {
            callback.failed(new ClosedChannelException());
        } else {
            callback.succeeded();
        }
    }

    @Override
    public void ping(ByteBuffer payload) {
        boolean answer;
        synchronized (this) {
            pings++;
            answer = answerPings && !ended;
        }
        if (answer) {
            listener.onPong(payload);
        }
    }

    @Override
    public void close(CloseStatus status) {
        synchronized (this) {
            if (ended || closeSent != null) {
                return;
            }
            closeSent = status;
            if (!answerClose) {
                return;
            }
        }
        end(status); // the server answers the close at once
    }

    @Override
    public void abort() {
        synchronized (this) {
            aborted = true;
        }
        end(CloseStatus.ABNORMAL);
    }

    @Override
    public void demand() {
        synchronized (this) {
            demand++;
        }
        deliver();
    }

    // ---- what the test does as the server ----

    /** The server sends a text message; the client gets it on demand. */
    public void serverSends(String text) {
        synchronized (this) {
            inbound.add(text);
        }
        deliver();
    }

    /**
     * The server sends one chunk of a message ({@code last} ends it); the client's listener gets it
     * with {@code onChunk} on demand, and its release does nothing here.
     */
    public void serverSendsChunk(boolean text, byte[] data, boolean last) {
        synchronized (this) {
            inbound.add(new ChunkSent(text, data.clone(), !serverStreaming, last));
            serverStreaming = !last;
        }
        deliver();
    }

    /** The server closes the connection with this status. */
    public void serverCloses(CloseStatus status) {
        end(status);
    }

    /** The network drops the connection (1006). */
    public void drop() {
        end(CloseStatus.ABNORMAL);
    }

    /** The server stops answering pings. */
    public synchronized void stopAnsweringPings() {
        answerPings = false;
    }

    /** The server never answers a close frame. */
    public synchronized void stopAnsweringClose() {
        answerClose = false;
    }

    /** From now on writes stay in flight until {@link #completeWrite()} or {@link #failWrite()}. */
    public synchronized void holdWrites() {
        holdWrites = true;
    }

    /** Completes the write held in flight. */
    public void completeWrite() {
        takeHeldWrite().succeeded();
    }

    /** Fails the write held in flight, as a broken connection would. */
    public void failWrite() {
        takeHeldWrite().failed(new ClosedChannelException());
    }

    private synchronized SendCallback takeHeldWrite() {
        SendCallback c = heldWrite;
        if (c == null) {
            throw new AssertionError("no write in flight");
        }
        heldWrite = null;
        return c;
    }

    // ---- what the test checks ----

    /** The text of every message written so far. */
    public synchronized List<String> written() {
        return List.copyOf(written);
    }

    /** How many pings the client sent. */
    public synchronized int pings() {
        return pings;
    }

    /** Unused demand: how many more messages the client asked for than it got. */
    public synchronized int openDemand() {
        return demand;
    }

    /** How many messages the server sent that the client has not asked for yet. */
    public synchronized int undelivered() {
        return inbound.size();
    }

    /** The status of the client's close frame, or null when it sent none. */
    public synchronized CloseStatus closeSent() {
        return closeSent;
    }

    /** Whether the client aborted the connection. */
    public synchronized boolean isAborted() {
        return aborted;
    }

    /** Whether the connection has ended (its close reported to the client). */
    public synchronized boolean isEnded() {
        return ended;
    }

    /** Whether a write is held in flight (see {@link #holdWrites()}). */
    public synchronized boolean hasWriteInFlight() {
        return heldWrite != null;
    }

    private void deliver() {
        for (;;) {
            Object next;
            synchronized (this) {
                if (ended || demand == 0 || inbound.isEmpty()) {
                    return;
                }
                demand--;
                next = inbound.poll();
            }
            if (next instanceof ChunkSent c) {
                listener.onChunk(c.text(), ByteBuffer.wrap(c.data()).asReadOnlyBuffer(), c.first(), c.last(), () -> { });
            } else {
                listener.onText((String) next);
            }
        }
    }

    private void end(CloseStatus status) {
        SendCallback held;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            held = heldWrite;
            heldWrite = null;
        }
        if (held != null) {
            held.failed(new ClosedChannelException());
        }
        listener.onClose(status);
    }
}
