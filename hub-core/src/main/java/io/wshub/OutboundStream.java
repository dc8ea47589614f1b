package io.wshub;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One outbound message sent as a stream of chunks, from {@link Session#stream(boolean)} (or a
 * client's {@link io.wshub.client.ReconnectingClient#stream(boolean)}, whose window is
 * {@link io.wshub.client.ClientOptions#streamWindow()}): each chunk
 * leaves as one WebSocket frame of the message, so the message is never held whole, whatever its
 * size.
 *
 * <p>The message takes its place in the session's outbound queue when it is opened: what was sent
 * before it is written first, and what is sent after it waits until its last chunk is written (a
 * WebSocket message cannot be interleaved with another).
 *
 * <p>Backpressure: at most {@link HubOptions#streamWindow()} chunks may wait unwritten; each
 * {@link #write} returns a future completed when its chunk has been written, and the sender writes
 * the next chunk when a future completes. The chunk's buffer must not change until then (it is
 * written without a copy). When the session closes or the write fails, the futures of the chunks not
 * yet written fail, and the connection is dropped rather than closed, since the message cannot be
 * finished. Thread-safe; the writes of one stream must come one at a time, in order.
 */
public interface OutboundStream {

    /**
     * Offers the next chunk; {@code last} ends the message. An empty chunk is allowed (a message may
     * end with one).
     *
     * @return completed when the chunk is written; failed when the session closed first
     * @throws IllegalStateException when {@link HubOptions#streamWindow()} chunks are waiting already,
     *                               or the message was ended
     */
    CompletableFuture<Void> write(ByteBuffer chunk, boolean last);

    /** How many more chunks {@link #write} accepts now. */
    int window();

    /** Whether the last chunk was offered. */
    boolean isEnded();
}
