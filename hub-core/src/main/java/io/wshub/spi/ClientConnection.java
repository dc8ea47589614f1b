package io.wshub.spi;

import io.wshub.CloseStatus;
import io.wshub.Message;

import java.nio.ByteBuffer;

/**
 * One open client-side WebSocket connection, as a {@link ClientTransport} exposes it.
 *
 * <h2>What the client promises the transport</h2>
 * <ul>
 *   <li>At most one {@link #send} is outstanding: the next comes only after the previous one's
 *       callback. So a transport needs no queue of its own, and the client's bounded buffer is the
 *       only place where unsent messages wait.</li>
 *   <li>It asks for inbound messages one at a time with {@link #demand()}.</li>
 * </ul>
 *
 * <h2>What the transport promises the client</h2>
 * <ul>
 *   <li>No method blocks, and each may be called from any thread; {@code ping}, {@code close} and
 *       {@code abort} also while a send is outstanding.</li>
 *   <li>Every {@code send} completes its callback exactly once, also when the connection closes
 *       first.</li>
 *   <li>One text or binary message reaches the listener per {@link #demand()} call. Pings and
 *       pongs do not use up a demand (a ping is answered, a pong reported, and the read goes on),
 *       but nothing, control frames included, is read while no demand is outstanding.</li>
 *   <li>{@link ClientConnectionListener#onClose} is called exactly once, also after {@link #abort()},
 *       and nothing is called after it. Calls after the close are harmless no-ops (a send fails
 *       its callback).</li>
 * </ul>
 */
public interface ClientConnection {

    /**
     * Writes one frame, as text or binary according to {@link Message#isText()}. The frame may be
     * shared: read it through {@link Message#payload()}, which gives every write its own view.
     */
    void send(Message frame, SendCallback callback);

    /**
     * Writes one frame of a message sent as a stream: the message's first frame (opcode text or
     * binary) when {@code first}, else a continuation frame; {@code last} sets FIN. The caller sends
     * nothing else until the message's last frame, and one frame at a time, as with {@link #send}; a
     * text message's chunks are its UTF-8 bytes, split anywhere. A transport that cannot stream keeps
     * the default, which fails the callback.
     */
    default void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        callback.failed(new UnsupportedOperationException(getClass().getName() + " cannot send a message as a stream"));
    }

    /** Sends a ping; the peer's pong reaches {@link ClientConnectionListener#onPong}. */
    void ping(ByteBuffer payload);

    /** Starts the close handshake with this status (already validated as sendable). */
    void close(CloseStatus status);

    /** Drops the connection at once, without a close handshake; reported as 1006. */
    void abort();

    /** Asks for the next inbound message, or the next chunk of one when the request asked for streams. */
    void demand();
}
