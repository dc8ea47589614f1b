package io.wshub;

import java.nio.ByteBuffer;

/**
 * One piece of an inbound message taken as a stream ({@link HubHandler#streamsMessages()}): the
 * payload of one WebSocket frame, as it arrived, never the whole message.
 *
 * <p>Demand is per chunk: the session reads its next chunk only after this one is
 * {@linkplain #release() released}. A handler that passes a chunk on (to an {@link OutboundStream},
 * a file, another service) and releases it when that is done reads its peer exactly as fast as it
 * can pass the data on; TCP pushes back on the peer meanwhile, and memory stays at one chunk.
 */
public interface Chunk {

    /** Whether the message is text (its chunks are UTF-8 bytes, split anywhere, checked as they arrive), else binary. */
    boolean isText();

    /** Whether this is the message's first chunk. */
    boolean isFirst();

    /** Whether this is the message's last chunk. */
    boolean isLast();

    /**
     * The chunk's bytes, as a read-only view positioned at their start: valid until {@link #release()},
     * not to be kept after it (copy what you keep).
     */
    ByteBuffer data();

    /**
     * Done with this chunk: its buffer goes back to the transport and the next chunk is read. Call it
     * exactly once, from any thread, now or later; later calls do nothing. A chunk the handler never
     * releases stops the reading of this session for good (until it closes).
     */
    void release();
}
