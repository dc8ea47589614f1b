package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Connection;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * What a session's {@link SessionWriter} writes through: the transport's connection, with each
 * message sent as a stream written in its place in the queue. A stream waits in the queue as its
 * {@link StreamSender#marker}; a write that reaches one writes the frames before it, then the
 * stream's chunks as they come ({@link StreamSender#writeTo}), then the frames after it, and only then
 * completes, so the writer's one write in flight covers the whole stream and nothing interleaves
 * with it. With no stream open a write goes straight to the transport.
 */
final class StreamingConnection implements Connection {

    private final Connection transport;
    /** The streams opened and not yet reached and written by the writer. Guarded by itself. */
    private final ArrayList<StreamSender> open = new ArrayList<>(1);
    /** How many are open; read without the lock by every write. */
    private volatile int openCount;

    StreamingConnection(Connection transport) {
        this.transport = transport;
    }

    /** A new stream, written when the writer reaches its marker. */
    StreamSender open(boolean text, int window, Runnable progressed) {
        StreamSender s = new StreamSender(text, window, progressed);
        synchronized (open) {
            open.add(s);
            openCount = open.size();
        }
        return s;
    }

    /** The connection is over, or closes at once: every open stream fails. */
    void failAll(Throwable cause) {
        fail(cause, true);
    }

    /**
     * The session closes after its queue drains: a stream whose sender has not offered its last chunk
     * could hold the close back for ever, so it fails; one that was ended is written first.
     */
    void failUnended(Throwable cause) {
        fail(cause, false);
    }

    private void fail(Throwable cause, boolean ended) {
        ArrayList<StreamSender> failed = new ArrayList<>();
        synchronized (open) {
            for (StreamSender s : open) {
                if (ended || !s.isEnded()) {
                    failed.add(s);
                }
            }
        } // a failed stream keeps its place: the writer skips it when it gets there (see StreamSender#writeTo)
        for (StreamSender s : failed) {
            s.fail(cause);
        }
    }

    /** The stream is done with (written, or failed). */
    void finished(StreamSender s) {
        synchronized (open) {
            open.remove(s);
            openCount = open.size();
        }
    }

    private StreamSender streamOf(Message frame) {
        synchronized (open) {
            for (StreamSender s : open) {
                if (s.marker == frame) {
                    return s;
                }
            }
        }
        return null;
    }

    @Override
    public void send(Message[] frames, int count, SendCallback callback) {
        if (openCount == 0) {
            transport.send(frames, count, callback);
        } else {
            new Batch(frames, count, callback).next();
        }
    }

    /** One write with streams in it: its runs of whole frames and its streams, one after another. */
    private final class Batch implements SendCallback {
        private final Message[] frames;
        private final int count;
        private final SendCallback whenDone;
        /** The next frame to write. */
        private int at;
        /** The stream being written, or null. */
        private StreamSender writing;

        Batch(Message[] frames, int count, SendCallback whenDone) {
            this.frames = frames;
            this.count = count;
            this.whenDone = whenDone;
        }

        /** Writes the next run or stream; recursion is bounded by the runs of one batch. */
        void next() {
            if (at == count) {
                whenDone.succeeded();
                return;
            }
            StreamSender s = streamOf(frames[at]);
            if (s != null) {
                at++;
                writing = s;
                s.writeTo(transport::sendChunk, this);
                return;
            }
            int end = at + 1;
            while (end < count && streamOf(frames[end]) == null) {
                end++;
            }
            Message[] run = at == 0 ? frames : Arrays.copyOfRange(frames, at, end);
            int n = end - at;
            at = end;
            transport.send(run, n, this);
        }

        @Override
        public void succeeded() {
            endStream();
            next();
        }

        @Override
        public void failed(Throwable cause) {
            endStream();
            whenDone.failed(cause);
        }

        private void endStream() {
            if (writing != null) {
                finished(writing);
                writing = null;
            }
        }
    }

    @Override
    public void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        transport.sendChunk(text, chunk, first, last, callback);
    }

    @Override
    public void ping(ByteBuffer payload) {
        transport.ping(payload);
    }

    @Override
    public void close(CloseStatus status) {
        transport.close(status);
    }

    @Override
    public void abort() {
        transport.abort();
    }

    @Override
    public void demand() {
        transport.demand();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return transport.remoteAddress();
    }
}
