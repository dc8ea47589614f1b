package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.Frame;
import io.wshub.spi.Connection;
import io.wshub.spi.SendCallback;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

import java.net.InetSocketAddress;
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
    private final DemandGate demand;
    private final InetSocketAddress remoteAddress;

    JettyConnection(CoreSession core, DemandGate demand, InetSocketAddress remoteAddress) {
        this.core = core;
        this.demand = demand;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public void send(Frame[] frames, int count, SendCallback callback) {
        if (count <= 0) {
            callback.succeeded();
            return;
        }
        BatchCallback done = new BatchCallback(count, callback);
        for (int i = 0; i < count; i++) {
            Frame frame = frames[i];
            byte opCode = frame.isText() ? OpCode.TEXT : OpCode.BINARY;
            try {
                core.sendFrame(new org.eclipse.jetty.websocket.core.Frame(opCode, frame.payload()), done, i < count - 1);
            } catch (RuntimeException e) {
                done.failed(e);
                return;
            }
        }
    }

    @Override
    public void ping(ByteBuffer payload) {
        // a failed ping shows as a missing pong
        core.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.PING, payload), Callback.NOOP, false);
    }

    @Override
    public void close(CloseStatus status) {
        core.close(status.code(), status.reason(), Callback.NOOP); // the end is reported by onClosed
        demand.readUntilClose();
    }

    @Override
    public void abort() {
        core.abort();
    }

    @Override
    public void demand() {
        demand.demand();
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
