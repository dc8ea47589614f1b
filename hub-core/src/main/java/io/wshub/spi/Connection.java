package io.wshub.spi;

import io.wshub.CloseStatus;
import io.wshub.Message;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One WebSocket connection, as a transport exposes it to the hub. The hub never sees the
 * transport's own types.
 *
 * <h2>What the hub promises the transport</h2>
 * <ul>
 *   <li>At most one {@link #send} is outstanding: the next comes only after the previous one's
 *       callback.</li>
 *   <li>It never blocks in a transport callback and never calls the transport while holding a
 *       lock of its own.</li>
 * </ul>
 *
 * <h2>What the transport promises the hub</h2>
 * <ul>
 *   <li>{@code send}, {@code ping}, {@code close}, {@code abort} and {@code demand} never block
 *       and may be called from any thread; {@code ping}, {@code close} and {@code abort} also
 *       while a send is outstanding.</li>
 *   <li>Every {@code send} completes its callback exactly once, also when the connection
 *       closes first.</li>
 *   <li>Inbound frames are delivered to the {@link ConnectionListener} only on demand: one
 *       message per {@link #demand()} call.</li>
 *   <li>Listener callbacks for one connection never overlap.</li>
 *   <li>{@link ConnectionListener#onClose} is called exactly once, and nothing is called after it.</li>
 * </ul>
 * A transport gets the inbound promises by handing what it reads to an {@link InboundPipeline},
 * as wshub's own transports do.
 * hub-testkit's {@code io.wshub.testkit.TransportTestKit} checks these promises.
 */
public interface Connection {

    /**
     * Writes {@code frames[0..count)} in order, text frames as text and binary ones as binary,
     * as one write where the transport can. The array belongs to the transport until the
     * callback; the frames are shared with other connections and must not be changed (read them
     * through {@link Message#payload()}).
     */
    void send(Message[] frames, int count, SendCallback callback);

    /**
     * Writes one frame of a message the hub sends as a stream ({@link io.wshub.OutboundStream}): the
     * message's first frame (opcode text or binary) when {@code first}, else a continuation frame;
     * {@code last} sets FIN. Counts as the one send outstanding; the hub sends nothing else on this
     * connection until the message's last frame, but for pings and the close. The buffer is the
     * sender's until the callback, and is not shared. A transport that cannot stream keeps the
     * default, which fails the callback (the hub then drops the connection).
     */
    default void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        callback.failed(new UnsupportedOperationException(getClass().getName() + " cannot send a message as a stream"));
    }

    /** Sends a ping; the peer's pong reaches {@link ConnectionListener#onPong}. */
    void ping(ByteBuffer payload);

    /**
     * Starts the close handshake with this status (already validated as sendable). From here on
     * the transport reads on by itself, without the hub's demand, until the peer's close frame
     * arrives, dropping the messages read meanwhile ({@link InboundPipeline#readUntilClose()} does
     * it); it reports the end through {@link ConnectionListener#onClose}.
     */
    void close(CloseStatus status);

    /** Drops the connection at once, without a close handshake; reported as 1006. */
    void abort();

    /** Asks for the next inbound message. */
    void demand();

    /** The peer's address, or null when unknown. */
    InetSocketAddress remoteAddress();
}
