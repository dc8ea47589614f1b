package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.spi.Admission;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.InboundPipeline;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One admitted connection on Jetty's core WebSocket API: opens the hub session when the upgrade
 * completes and turns Jetty's frames into the hub's events.
 *
 * <p>It sits directly on {@code websocket-core}, not on Jetty's annotated-endpoint layer: that
 * layer keeps the whole upgrade exchange (request, response, HTTP parser) and a set of method
 * handles alive for as long as the connection, several KB per idle connection. Here a connection
 * keeps only what the hub needs.
 *
 * <p>Nothing is read on Jetty's own initiative: the hub's {@code demand()} decides when the next
 * message is read, so a session whose reading is suspended pushes back on its peer through TCP.
 * A ping is answered here, at once, whatever the hub is doing.
 */
final class HubFrameHandler implements FrameHandler {

    private static final Logger log = LoggerFactory.getLogger(HubFrameHandler.class);
    /** RFC 6455's code for a close frame that carries none. */
    private static final int NO_STATUS_CODE = 1005;

    private final Admission.Accepted admission;
    private final InetSocketAddress remoteAddress;
    private final long maxMessageBytes;
    /** Demand, order, one at a time, reading on until the close: one Jetty demand per message it reads. */
    private final InboundPipeline inbound = new InboundPipeline(this::demandFromJetty);
    /** Set once in onOpen, before the hub can demand; read by the pipeline's reads on any thread. */
    private volatile CoreSession session;
    /** Builds the message being read, unless it is binary in one frame; made when first needed. */
    private MessageAssembler assembler;

    HubFrameHandler(Admission.Accepted admission, InetSocketAddress remoteAddress, long maxMessageBytes) {
        this.admission = admission;
        this.remoteAddress = remoteAddress;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        ConnectionListener listener;
        try {
            listener = admission.open(new JettyConnection(coreSession, inbound, remoteAddress));
        } catch (RuntimeException e) {
            log.error("the hub failed to open session {}; dropping the connection", admission.sessionId(), e);
            inbound.abandon();
            callback.succeeded();
            coreSession.abort();
            return;
        }
        inbound.open(listener);
        callback.succeeded();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.BINARY -> onMessageStart(frame, callback);
            case OpCode.CONTINUATION -> onContinuation(frame, callback);
            case OpCode.PING -> onPing(frame, callback);
            case OpCode.PONG -> onPong(frame, callback);
            case OpCode.CLOSE -> onCloseFrame(frame, callback);
            default -> callback.failed(new ProtocolException("Unknown opcode " + frame.getOpCode()));
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        inbound.error(cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(org.eclipse.jetty.websocket.core.CloseStatus status, Callback callback) {
        if (session == null) {
            admission.abandon(); // the upgrade failed before the session opened
        }
        inbound.closed(closeStatus(status.getCode(), status.getReason()));
        callback.succeeded();
    }

    private void onMessageStart(Frame frame, Callback callback) {
        boolean text = frame.getOpCode() == OpCode.TEXT;
        if (frame.isFin() && !text) {
            deliverBinary(frame.getPayload(), callback); // the common case: no copy, released when the hub is done
            return;
        }
        if (assembler == null) {
            assembler = new MessageAssembler(maxMessageBytes);
        }
        try {
            assembler.start(text, frame.getPayload());
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        completeOrReadOn(frame, callback);
    }

    private void onContinuation(Frame frame, Callback callback) {
        if (assembler == null || !assembler.inProgress()) {
            callback.failed(new ProtocolException("Continuation frame without a message to continue"));
            return;
        }
        try {
            assembler.append(frame.getPayload());
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        completeOrReadOn(frame, callback);
    }

    /** After a data frame was copied: hands on the message if it is whole, else reads its next frame. */
    private void completeOrReadOn(Frame frame, Callback callback) {
        if (!frame.isFin()) {
            callback.succeeded();
            session.demand(); // the next frame of this message; the pipeline's read still stands for it
            return;
        }
        if (assembler.isText()) {
            String text;
            try {
                text = assembler.takeText();
            } catch (RuntimeException e) {
                callback.failed(e); // not UTF-8: Jetty closes with 1007
                return;
            }
            callback.succeeded();
            inbound.text(text);
        } else {
            ByteBuffer data = assembler.takeBinary();
            callback.succeeded();
            inbound.binary(data, null);
        }
    }

    private void deliverBinary(ByteBuffer payload, Callback callback) {
        inbound.binary(payload == null ? BufferUtil.EMPTY_BUFFER : payload, callback::succeeded);
    }

    private void onPing(Frame frame, Callback callback) {
        ByteBuffer payload = copy(frame.getPayload());
        session.sendFrame(new Frame(OpCode.PONG, payload.duplicate()), Callback.NOOP, false); // fails only once output is closed
        callback.succeeded();
        inbound.ping(payload);
    }

    private void onPong(Frame frame, Callback callback) {
        ByteBuffer payload = copy(frame.getPayload());
        callback.succeeded();
        inbound.pong(payload);
    }

    /** The peer's close frame: reported now; Jetty answers it once the callback succeeds. */
    private void onCloseFrame(Frame frame, Callback callback) {
        org.eclipse.jetty.websocket.core.CloseStatus status = org.eclipse.jetty.websocket.core.CloseStatus.getCloseStatus(frame);
        inbound.closed(status == null ? closeStatus(NO_STATUS_CODE, "") : closeStatus(status.getCode(), status.getReason()));
        callback.succeeded();
    }

    private void demandFromJetty() {
        try {
            session.demand();
        } catch (RuntimeException e) {
            log.debug("demand refused on {}: the connection is ending", remoteAddress, e);
        }
    }

    private static ByteBuffer copy(ByteBuffer payload) {
        return payload == null || !payload.hasRemaining() ? BufferUtil.EMPTY_BUFFER : BufferUtil.copy(payload);
    }

    /** Jetty's close code and reason as a status the hub accepts; anything unreportable is 1006. */
    static CloseStatus closeStatus(int code, String reason) {
        try {
            return new CloseStatus(code, reason == null ? "" : reason);
        } catch (IllegalArgumentException e) {
            return CloseStatus.ABNORMAL;
        }
    }
}
