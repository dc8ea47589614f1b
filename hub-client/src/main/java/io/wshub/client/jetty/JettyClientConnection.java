package io.wshub.client.jetty;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.InboundPipeline;
import io.wshub.spi.SendCallback;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;

/** A {@link ClientConnection} over one Jetty WebSocket {@link Session}. */
final class JettyClientConnection implements ClientConnection {

    private final Session session;
    private final InboundPipeline inbound;

    JettyClientConnection(Session session, InboundPipeline inbound) {
        this.session = session;
        this.inbound = inbound;
    }

    @Override
    public void send(Message message, SendCallback callback) {
        Callback done = Callback.from(callback::succeeded, callback::failed);
        try {
            if (message.isText()) {
                session.sendText(message.text(), done);
            } else {
                session.sendBinary(message.payload(), done); // a fresh view: Jetty consumes the buffer it is given
            }
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    /**
     * Through Jetty's core session: the API's partial text takes a {@code String}, which cannot hold
     * UTF-8 split in the middle of a character.
     */
    @Override
    public void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        byte opCode = !first ? OpCode.CONTINUATION : text ? OpCode.TEXT : OpCode.BINARY;
        try {
            ((WebSocketSession) session).getCoreSession().sendFrame(new Frame(opCode, chunk.duplicate()).setFin(last),
                    org.eclipse.jetty.util.Callback.from(callback::succeeded, callback::failed), false);
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    @Override
    public void ping(ByteBuffer payload) {
        session.sendPing(payload, Callback.NOOP);
    }

    @Override
    public void close(CloseStatus status) {
        session.close(status.code(), status.reason(), Callback.NOOP);
        inbound.readUntilClose();
    }

    @Override
    public void abort() {
        session.disconnect();
    }

    @Override
    public void demand() {
        inbound.demand();
    }
}
