package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Connection;
import io.wshub.spi.InboundPipeline;
import io.wshub.spi.SendCallback;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.ByteBuffer;

/**
 * A Jetty core WebSocket session as the hub's {@link Connection}.
 *
 * <p>A text frame the hub encoded once is written as is (no second UTF-8 encoding per recipient),
 * and a batch of frames leaves in one write: every frame but the last is queued with
 * {@code batch=true}, and the last one flushes them all together. Each send gets its own view of
 * the shared payload, because Jetty consumes the buffer it writes.
 */
final class JettyConnection implements Connection {

    private final CoreSession core;
    private final InboundPipeline inbound;
    private final InetSocketAddress remoteAddress;

    JettyConnection(CoreSession core, InboundPipeline inbound, InetSocketAddress remoteAddress) {
        this.core = core;
        this.inbound = inbound;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public void send(Message[] messages, int count, SendCallback callback) {
        if (count <= 0) {
            callback.succeeded();
            return;
        }
        BatchCallback done = new BatchCallback(count, callback);
        for (int i = 0; i < count && !done.isCompleted(); i++) { // after a failure the rest cannot be delivered
            Message message = messages[i];
            byte opCode = message.isText() ? OpCode.TEXT : OpCode.BINARY;
            try {
                core.sendFrame(new Frame(opCode, message.payload()), done, i < count - 1);
            } catch (RuntimeException e) {
                done.failed(e);
                return;
            }
        }
    }

    @Override
    public void ping(ByteBuffer payload) {
        // a failed ping shows as a missing pong
        core.sendFrame(new Frame(OpCode.PING, payload), Callback.NOOP, false);
    }

    @Override
    public void close(CloseStatus status) {
        core.close(status.code(), status.reason(), Callback.NOOP); // the end is reported by onClosed
        inbound.readUntilClose();
    }

    /**
     * Drops the connection with a reset: what the kernel still holds for a peer that stopped
     * reading is discarded at once, instead of being kept until the peer reads or TCP gives up.
     */
    @Override
    public void abort() {
        if (core instanceof WebSocketCoreSession s && s.getConnection() != null
                && s.getConnection().getEndPoint().getTransport() instanceof NetworkChannel channel) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException e) {
                // already closed, or not a TCP socket: a plain close is all there is
            }
        }
        core.abort();
    }

    @Override
    public void demand() {
        inbound.demand();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "JettyConnection[" + remoteAddress + "]";
    }
}
