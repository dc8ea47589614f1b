package io.wshub.internal;

import io.wshub.Message;
import io.wshub.OutboundStream;
import io.wshub.spi.SendCallback;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One outbound message sent as a stream: the chunks its sender offered, waiting for the session's
 * writer to reach the message's place in the queue ({@link #marker}), then written to the transport
 * one at a time, at most {@code window} of them waiting. Offers and write completions both move it
 * on ({@link #pump()}); whichever finds it idle writes, and a completion that comes while a chunk is
 * being handed over is turned into another turn of the loop, never recursion, so a transport that
 * completes at once and a sender that writes the next chunk from the future cannot grow the stack.
 *
 * <p>The server's sessions and the reconnecting client both send their streams with it.
 *
 * <p>Decisions under this object's lock; the transport and the futures are called after it.
 */
public final class StreamSender implements OutboundStream {

    /** Where the chunks go: a transport's {@code sendChunk}. */
    @FunctionalInterface
    public interface ChunkWriter {
        /** Writes one frame of the message; see {@link io.wshub.spi.Connection#sendChunk}. */
        void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback);
    }

    private record Pending(ByteBuffer data, boolean last, CompletableFuture<Void> written) {
    }

    /** Its place in the session's queue: a frame of its own identity, written by this sender instead. */
    public final Message marker = Message.binary(new byte[0]);
    private final boolean text;
    private final int window;
    /** Told that the stream made progress, so the write timeout counts from it. */
    private final Runnable progressed;

    // All fields below are guarded by "this".
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** Offered and not yet written (waiting or in flight). */
    private int unwritten;
    private boolean ended;
    /** The writer reached the marker: chunks go to this connection, and {@code done} hears the end. */
    private ChunkWriter connection;
    private SendCallback done;
    private boolean chunkInFlight;
    private boolean firstSent;
    private boolean pumping;
    private boolean pumpAgain;
    private Throwable failure;

    /**
     * @param window     how many chunks may wait unwritten
     * @param progressed told whenever the stream makes progress (a chunk offered or written)
     */
    public StreamSender(boolean text, int window, Runnable progressed) {
        this.text = text;
        this.window = window;
        this.progressed = progressed;
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer chunk, boolean last) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        Throwable failed;
        synchronized (this) {
            if (ended) {
                throw new IllegalStateException("the stream's last chunk was written already");
            }
            if (unwritten >= window) {
                throw new IllegalStateException("the stream's window of " + window + " chunks is full: wait for a write to complete");
            }
            failed = failure;
            if (failed == null) {
                ended = last;
                unwritten++;
                waiting.addLast(new Pending(chunk.duplicate(), last, written));
            }
        }
        if (failed != null) {
            written.completeExceptionally(failed);
            return written;
        }
        progressed.run();
        pump();
        return written;
    }

    @Override
    public synchronized int window() {
        return failure != null || ended ? 0 : window - unwritten;
    }

    @Override
    public synchronized boolean isEnded() {
        return ended;
    }

    /**
     * The writer reached the stream's place: write its chunks here, and tell {@code whenDone} after the
     * last. A stream that failed before it got here wrote nothing, and is skipped.
     */
    public void writeTo(ChunkWriter to, SendCallback whenDone) {
        boolean skipped;
        synchronized (this) {
            skipped = failure != null;
            if (!skipped) {
                connection = to;
                done = whenDone;
            }
        }
        if (skipped) {
            whenDone.succeeded();
            return;
        }
        pump();
    }

    /** The session ended (or its write failed): every chunk not written fails, and so does the write in progress. */
    public void fail(Throwable cause) {
        Pending[] failed;
        SendCallback end;
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
            failed = waiting.toArray(new Pending[0]);
            waiting.clear();
            end = chunkInFlight ? null : done; // a chunk in flight reports the end through its own callback
            if (!chunkInFlight) {
                done = null;
            }
        }
        for (Pending p : failed) {
            p.written().completeExceptionally(cause);
        }
        if (end != null) {
            end.failed(cause);
        }
    }

    /** Writes the next chunk while the transport is free, in a loop (see the class comment). */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                pumpAgain = true;
                return;
            }
            pumping = true;
        }
        for (;;) {
            Pending next;
            boolean first;
            ChunkWriter to;
            synchronized (this) {
                pumpAgain = false;
                next = connection != null && !chunkInFlight && failure == null ? waiting.pollFirst() : null;
                if (next == null) {
                    pumping = false;
                    return;
                }
                chunkInFlight = true;
                first = !firstSent;
                firstSent = true;
                to = connection;
            }
            Pending chunk = next;
            try {
                to.sendChunk(text, chunk.data(), first, chunk.last(), new SendCallback() {
                    @Override
                    public void succeeded() {
                        written(chunk, null);
                    }

                    @Override
                    public void failed(Throwable cause) {
                        written(chunk, cause == null ? new ClosedChannelException() : cause);
                    }
                });
            } catch (RuntimeException e) {
                written(chunk, e); // the transport broke its promise to report through the callback
            }
        }
    }

    private void written(Pending chunk, Throwable cause) {
        SendCallback end = null;
        Throwable earlier;
        synchronized (this) {
            if (!chunkInFlight) {
                return; // a second completion: the transport broke its promise
            }
            chunkInFlight = false;
            unwritten--;
            earlier = failure; // the session ended while this chunk was in flight: its end is owed here
            if (earlier != null || (cause == null && chunk.last())) {
                end = done;
                done = null;
            }
        }
        if (cause == null) {
            chunk.written().complete(null);
        } else {
            chunk.written().completeExceptionally(cause);
        }
        if (earlier != null) {
            if (end != null) {
                end.failed(earlier);
            }
        } else if (cause != null) {
            fail(cause);
        } else {
            progressed.run();
            if (end != null) {
                end.succeeded();
            } else {
                pump();
            }
        }
    }
}
