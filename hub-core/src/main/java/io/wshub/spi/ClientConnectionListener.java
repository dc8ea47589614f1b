package io.wshub.spi;

import io.wshub.CloseStatus;

import java.nio.ByteBuffer;

/**
 * Where a {@link ClientTransport} reports what happens on one {@link ClientConnection}. The
 * transport calls these one at a time (never concurrently for one connection), delivers text and
 * binary messages only on {@link ClientConnection#demand()}, calls {@link #onClose} exactly once,
 * and nothing after it. None of these methods blocks or throws.
 */
public interface ClientConnectionListener {

    /** A whole text message. */
    void onText(String text);

    /** A whole binary message; the buffer is valid only during the call. */
    void onBinary(ByteBuffer data);

    /** A pong arrived. Not subject to demand. */
    void onPong(ByteBuffer payload);

    /** The transport failed; {@link #onClose} follows. */
    void onError(Throwable cause);

    /** The connection ended: the peer's close status, or 1006 when there was no close frame. */
    void onClose(CloseStatus status);
}
