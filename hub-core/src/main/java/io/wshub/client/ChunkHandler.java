package io.wshub.client;

import io.wshub.Chunk;

/**
 * Takes every inbound message of a {@link ReconnectingClient} as a stream of chunks
 * ({@link ReconnectingClient.Builder#onChunk}), one WebSocket frame's payload at a time, in order.
 *
 * <p>Demand is per chunk: the next chunk is read from the network only after this one is
 * {@linkplain Chunk#release() released}, now or later, from any thread. A handler that releases a
 * chunk once it has passed it on (to a file, another connection) reads the server exactly as fast as
 * it can pass the data on; TCP pushes back on the server meanwhile. A chunk never released stops the
 * reading of this connection (the heartbeat does not count that silence against the server).
 */
@FunctionalInterface
public interface ChunkHandler {

    /**
     * One chunk of a message, text (UTF-8 bytes, split anywhere) or binary. Must not block. An
     * exception thrown here is logged and the chunk released.
     */
    void onChunk(Chunk chunk);
}
