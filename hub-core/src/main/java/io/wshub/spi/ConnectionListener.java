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
