package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.Frame;
import io.wshub.spi.Connection;
import io.wshub.spi.SendCallback;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A Jetty WebSocket session as the hub's {@link Connection}.
 *
 * <p>Frames go out through Jetty's core session, so a text frame the hub encoded once is written
 * as is (no second UTF-8 encoding per recipient), and a batch of frames leaves in one write: every
 * frame but the last is queued with {@code batch=true}, and the last one flushes them all
 * together. Each send gets its own view of the shared payload, because Jetty consumes the buffer
 * it writes.
 */
final class JettyConnection implements Connection {

    private final Session session;
    private final CoreSession core;
    private final DemandGate demand;
    private final InetSocketAddress remoteAddress;

    JettyConnection(WebSocketSession session, DemandGate demand, InetSocketAddress remoteAddress) {
        this.session = session;
        this.core = session.getCoreSession();
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
        session.sendPing(payload, Callback.NOOP); // a failed ping shows as a missing pong
    }

    @Override
    public void close(CloseStatus status) {
        session.close(status.code(), status.reason(), Callback.NOOP); // the end is reported by onWebSocketClose
        demand.readUntilClose();
    }

    @Override
    public void abort() {
        session.disconnect();
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
