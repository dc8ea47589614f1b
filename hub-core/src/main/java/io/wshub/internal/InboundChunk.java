package io.wshub.internal;

import io.wshub.Chunk;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chunk handed to the application (a server's handler or a client's): its release gives the buffer
 * back and reads the next one, once.
 */
public final class InboundChunk implements Chunk {

    private final boolean text;
    private final boolean first;
    private final boolean last;
    private final ByteBuffer data;
    /** Gives the buffer back to the transport. */
    private final Runnable release;
    /** Asks for the next chunk. */
    private final Runnable readNext;
    private final AtomicBoolean released = new AtomicBoolean();

    /**
     * @param release  gives the buffer back to the transport
     * @param readNext asks for the next chunk
     */
    public InboundChunk(boolean text, boolean first, boolean last, ByteBuffer data, Runnable release, Runnable readNext) {
        this.text = text;
        this.first = first;
        this.last = last;
        this.data = data.asReadOnlyBuffer();
        this.release = release;
        this.readNext = readNext;
    }

    @Override
    public boolean isText() {
        return text;
    }

    @Override
    public boolean isFirst() {
        return first;
    }

    @Override
    public boolean isLast() {
        return last;
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            release.run();
            readNext.run();
        }
    }

    @Override
    public String toString() {
        return "Chunk[" + (text ? "text, " : "binary, ") + data.remaining() + " bytes" + (first ? ", first" : "")
                + (last ? ", last" : "") + "]";
    }
}
