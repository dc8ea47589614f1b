package io.wshub.spi;

import io.wshub.CloseStatus;

import java.nio.ByteBuffer;

/**
 * What the hub hands back to a transport for one connection: the transport reports inbound
 * frames and the connection's end here. The transport must call these one at a time (never
 * concurrently for one connection), deliver messages only on {@link Connection#demand()}, call
 * {@link #onClose} exactly once, and nothing after it. None of these methods blocks or throws.
 */
public interface ConnectionListener {

    /** A whole text message. */
    void onText(String text);

    /** A whole binary message; the buffer is valid only during the call. */
    void onBinary(ByteBuffer data);

    /**
     * One frame of a message taken as a stream, from a pipeline built with a stream limit
     * ({@link InboundPipeline#InboundPipeline(InboundPipeline.Reader, long, long)}): its payload, valid
     * until {@code release} runs. Each chunk answers one {@link Connection#demand()}. The listener runs
     * {@code release} exactly once, now or later, on any thread; the default releases it at once.
     *
     * @param text  whether the message is text (the chunk holds UTF-8 bytes, split anywhere)
     * @param first whether it is the message's first chunk
     * @param last  whether it is the message's last chunk
     */
    default void onChunk(boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) {
        release.run();
    }

    /** A ping arrived; the transport has answered it (or will) with a pong. Not subject to demand. */
    default void onPing(ByteBuffer payload) {
    }

    /** A pong arrived. Not subject to demand. */
    void onPong(ByteBuffer payload);

    /** The transport failed; {@link #onClose} follows. */
    void onError(Throwable cause);

    /** The connection ended: the peer's close status, or 1006 when there was no close frame. */
    void onClose(CloseStatus status);
}
