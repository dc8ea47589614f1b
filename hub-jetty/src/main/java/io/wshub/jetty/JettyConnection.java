package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.InboundPipeline;
import io.wshub.spi.SendCallback;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The Jetty side of one admitted connection, on Jetty's core WebSocket API: the
 * {@link FrameHandler} Jetty reports frames to, and the hub's {@link Connection} the session
 * writes through. It opens the hub session when the upgrade completes.
 *
 * <p><b>In.</b> Nothing is read on Jetty's own initiative: the connection's {@link InboundPipeline}
 * asks Jetty for one message at a time when the hub demands, so a session whose reading is
 * suspended pushes back on its peer through TCP. A message in one frame is handed on as it is (a
 * binary payload without a copy, released when the hub is done with it); one in several frames is
 * built by a {@link MessageAssembler}. For a hub that takes messages as streams every data frame is
 * handed on as a chunk instead, without a copy and without assembling, released (and the next frame
 * read) when the application is done with it. A ping is answered here, at once, whatever the hub is doing.
 * On a {@link WshubConnector}, for a hub that never blocks, all of this runs on the selector thread
 * ({@link InPlaceEndPoint}), which a demand beyond the selection's share hands back to Jetty's pool.
 *
 * <p><b>Out.</b> A text message the hub encoded once is written as is (no second UTF-8 encoding
 * per recipient), and a batch leaves in one write. On a {@link WshubConnector}'s plain socket, for a
 * session whose extensions leave outgoing frames as the hub made them, a {@link FrameWriter} encodes
 * the batch into one pooled buffer and writes it to the socket itself, past Jetty's frame pipeline;
 * it writes nothing more from the moment a close frame may follow (the hub's close; Jetty's answer to
 * the peer's close frame or to an error, once the hub has heard of it), so no data frame follows a
 * close frame, and what the hub sends while it hears of the close still goes first, as on Jetty's
 * path. Elsewhere the frames go through
 * Jetty: every frame but the last is queued with {@code batch=true}, and the last one flushes them
 * all together, each send with its own view of the shared payload, because Jetty consumes the
 * buffer it writes. The hub has at most one write in flight per connection, so the connection
 * itself (or its frame writer) is the {@link Callback} of its frames: nothing is allocated per
 * write but the frames.
 *
 * <p>It sits directly on {@code websocket-core}, not on Jetty's annotated-endpoint layer: that
 * layer keeps the whole upgrade exchange (request, response, HTTP parser) and a set of method
 * handles alive for as long as the connection, several KB per idle connection. Here a connection
 * keeps only what the hub needs.
 */
final class JettyConnection implements FrameHandler, Connection, Callback {

    private static final Logger log = LoggerFactory.getLogger(JettyConnection.class);
    /** RFC 6455's code for a close frame that carries none. */
    private static final int NO_STATUS_CODE = 1005;

    private final Admission.Accepted admission;
    private final JettyOptions options;
    /** How it compresses what it sends, or null; set in onOpen, before the hub's first write. */
    private volatile OutboundDeflate deflate;
    private final InetSocketAddress remoteAddress;
    /** Demand, order, one at a time, the size limit, reading on until the close: one Jetty demand per message. */
    private final InboundPipeline inbound;
    /** Set once in onOpen, before the hub can demand; read by the pipeline's reads on any thread. */
    private volatile CoreSession core;
    /** Writes the hub's frames past Jetty's frame pipeline, where it can; else null. Set in onOpen, before the hub's first write. */
    private volatile FrameWriter frames;
    /** The socket when it reads on its selector thread ({@link InPlaceEndPoint}), else null; set in onOpen. */
    private volatile InPlaceEndPoint inPlace;
    /** The demand an in-place socket keeps for later, made once rather than per message. */
    private final Runnable demandNow = this::demandFromJettyNow;
    /** Builds a message that arrives in several frames; made when first needed. Frame callbacks never overlap. */
    private MessageAssembler assembler;
    /** A streamed message is under way: a continuation frame belongs to it. Frame callbacks never overlap. */
    private boolean streaming;

    private static final AtomicIntegerFieldUpdater<JettyConnection> FRAMES_LEFT =
            AtomicIntegerFieldUpdater.newUpdater(JettyConnection.class, "framesLeft");
    /** Frames of the write in flight not yet written; far below zero once one failed. */
    private volatile int framesLeft;
    /** The hub's callback for the write in flight; set before its frames are sent, cleared when it completes. */
    private volatile SendCallback writing;

    JettyConnection(Admission.Accepted admission, InetSocketAddress remoteAddress, JettyOptions options) {
        this.admission = admission;
        this.options = options;
        this.remoteAddress = remoteAddress;
        this.inbound = new InboundPipeline(this::demandFromJetty, admission.maxMessageBytes(), admission.maxStreamBytes());
    }

    // ---- FrameHandler: Jetty's frames in ----

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        core = coreSession;
        deflate = OutboundDeflate.of(coreSession, options);
        InPlaceEndPoint socket = inPlaceSocket(coreSession);
        if (socket != null && onlyHubExtensions(coreSession)) {
            long fragmentAt = coreSession.isAutoFragment() && coreSession.getMaxFrameSize() > 0
                    ? coreSession.getMaxFrameSize() : Long.MAX_VALUE;
            frames = socket.frameWriter(fragmentAt); // before the hub opens: its first message goes this way too
        }
        ConnectionListener listener;
        try {
            listener = admission.open(this);
        } catch (RuntimeException e) {
            log.error("the hub failed to open session {}; dropping the connection", admission.sessionId(), e);
            inbound.abandon();
            callback.succeeded();
            coreSession.abort();
            return;
        }
        if (admission.neverBlocks() && socket != null) {
            inPlace = socket; // a WshubConnector's plain socket: reads on its selector from now on
            socket.readInPlace();
        }
        inbound.open(listener);
        callback.succeeded();
    }

    /** The socket of a {@link WshubConnector}'s plain connection, else null. */
    private static InPlaceEndPoint inPlaceSocket(CoreSession coreSession) {
        return coreSession instanceof WebSocketCoreSession s && s.getConnection() != null
                && s.getConnection().getEndPoint() instanceof InPlaceEndPoint e ? e : null;
    }

    /** Whether every negotiated extension lets the hub's frames pass as the hub made them. */
    private static boolean onlyHubExtensions(CoreSession coreSession) {
        return coreSession instanceof WebSocketCoreSession s
                && s.getExtensionStack().getExtensions().stream().allMatch(HubDeflateExtension.class::isInstance);
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
        endData(); // Jetty closes once the callback succeeds; what the hub sent until now goes first
        callback.succeeded();
    }

    @Override
    public void onClosed(org.eclipse.jetty.websocket.core.CloseStatus status, Callback callback) {
        if (core == null) {
            log.debug("connection from {} closed before its session {} opened: {}", remoteAddress, admission.sessionId(), status);
            admission.abandon(); // the upgrade failed before the session opened
        }
        inbound.closed(closeStatus(status.getCode(), status.getReason()));
        OutboundDeflate d = deflate;
        if (d != null) {
            d.end();
        }
        callback.succeeded();
    }

    private void onMessageStart(Frame frame, Callback callback) {
        boolean text = frame.getOpCode() == OpCode.TEXT;
        if (inbound.streams()) {
            if (streaming) {
                callback.failed(new ProtocolException("A new message while one is still arriving"));
                return;
            }
            chunk(text, frame, callback);
            return;
        }
        if (frame.isFin()) {
            if (text) {
                deliverText(frame.getPayload(), callback);
            } else {
                // no copy: the payload stays Jetty's until the hub is done with it
                inbound.binary(frame.getPayload() == null ? BufferUtil.EMPTY_BUFFER : frame.getPayload(), callback::succeeded);
            }
            return;
        }
        if (assembler == null) {
            assembler = new MessageAssembler(inbound::withinLimit);
        }
        try {
            assembler.start(text, frame.getPayload());
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        completeOrReadOn(frame, callback);
    }

    /** A text message in one frame: decoded here; not UTF-8 fails the frame, and Jetty closes with 1007. */
    private void deliverText(ByteBuffer payload, Callback callback) {
        if (payload == null || !payload.hasRemaining()) {
            callback.succeeded();
            inbound.text("", 0);
            return;
        }
        int bytes = payload.remaining();
        String text;
        try {
            text = decode(payload);
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
        inbound.text(text, bytes);
    }

    /**
     * The payload's UTF-8 as a string, its position unchanged. ASCII, most of what arrives (JSON,
     * say), is copied out whole and made a string at once; anything else goes through Jetty's
     * decoder, byte by byte, which also checks it.
     *
     * @throws BadPayloadException.InvalidUtf8 when it is not UTF-8
     */
    static String decode(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(payload.position(), bytes);
        for (byte b : bytes) {
            if (b < 0) {
                Utf8StringBuilder chars = new Utf8StringBuilder(bytes.length);
                chars.append(bytes, 0, bytes.length);
                return chars.takeCompleteString(BadPayloadException.InvalidUtf8::new);
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** A frame of a streamed message: handed on as it is, the frame's buffer released when the hub is done with it. */
    private void chunk(boolean text, Frame frame, Callback callback) {
        streaming = !frame.isFin();
        inbound.chunk(text, frame.getPayload() == null ? BufferUtil.EMPTY_BUFFER : frame.getPayload(), frame.isFin(),
                callback::succeeded);
    }

    private void onContinuation(Frame frame, Callback callback) {
        if (inbound.streams()) {
            if (!streaming) {
                callback.failed(new ProtocolException("Continuation frame without a message to continue"));
                return;
            }
            chunk(false, frame, callback); // the pipeline knows the message's kind from its first frame
            return;
        }
        if (assembler == null || !assembler.inProgress()) {
            callback.failed(new ProtocolException("Continuation frame without a message to continue"));
            return;
        }
        try {
            assembler.append(frame.getPayload());
        } catch (RuntimeException e) {
            callback.failed(e); // over the limit (1009) or not UTF-8 (1007): Jetty closes with its code
            return;
        }
        completeOrReadOn(frame, callback);
    }

    /** After a data frame was copied: hands on the message if it is whole, else reads its next frame. */
    private void completeOrReadOn(Frame frame, Callback callback) {
        if (!frame.isFin()) {
            callback.succeeded();
            core.demand(); // the next frame of this message; the pipeline's read still stands for it
            return;
        }
        if (assembler.isText()) {
            long bytes = assembler.size();
            String text;
            try {
                text = assembler.takeText();
            } catch (RuntimeException e) {
                callback.failed(e); // not UTF-8: Jetty closes with 1007
                return;
            }
            callback.succeeded();
            inbound.text(text, bytes);
        } else {
            ByteBuffer data = assembler.takeBinary();
            callback.succeeded();
            inbound.binary(data, null);
        }
    }

    private void onPing(Frame frame, Callback callback) {
        ByteBuffer payload = copy(frame.getPayload());
        core.sendFrame(new Frame(OpCode.PONG, payload.duplicate()), Callback.NOOP, false); // fails only once output is closed
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
        endData(); // Jetty answers once the callback succeeds; what the hub sent until now goes first, as on Jetty's path
        callback.succeeded();
    }

    private void demandFromJetty() {
        InPlaceEndPoint e = inPlace;
        if (e != null && e.deferDemand(demandNow)) {
            return; // this selection had its share; Jetty reads on once the selector's task returns
        }
        demandFromJettyNow();
    }

    private void demandFromJettyNow() {
        try {
            core.demand();
        } catch (RuntimeException e) {
            log.debug("demand refused on {}: the connection is ending", remoteAddress, e);
        }
    }

    // ---- Connection: the hub's writes out ----

    @Override
    public void send(Message[] messages, int count, SendCallback callback) {
        if (count <= 0) {
            callback.succeeded();
            return;
        }
        OutboundDeflate d = deflate;
        FrameWriter direct = frames;
        if (direct != null && direct.write(messages, count, d, callback)) {
            return;
        }
        writing = callback;
        framesLeft = count;
        for (int i = 0; i < count && framesLeft > 0; i++) { // after a failure the rest cannot be delivered
            Message message = messages[i];
            byte opCode = message.isText() ? OpCode.TEXT : OpCode.BINARY;
            try {
                ByteBuffer deflated = d == null ? null : d.compress(message);
                Frame frame = deflated == null ? new Frame(opCode, message.payload()) : new Frame(opCode, deflated).setRsv1(true);
                core.sendFrame(frame, this, i < count - 1);
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
        }
    }

    @Override
    public void sendChunk(boolean text, ByteBuffer chunk, boolean first, boolean last, SendCallback callback) {
        byte opCode = !first ? OpCode.CONTINUATION : text ? OpCode.TEXT : OpCode.BINARY;
        try {
            core.sendFrame(new Frame(opCode, chunk).setFin(last), new ChunkWritten(callback), false);
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    /** Hands a chunk's completion to the hub, on Jetty's thread: the hub's stream never blocks in it. */
    private record ChunkWritten(SendCallback callback) implements Callback {
        @Override
        public void succeeded() {
            callback.succeeded();
        }

        @Override
        public void failed(Throwable cause) {
            callback.failed(cause);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** A frame of the write in flight was written; the last one completes the write. */
    @Override
    public void succeeded() {
        if (FRAMES_LEFT.decrementAndGet(this) == 0) {
            completeWrite(null);
        }
    }

    /**
     * A frame of the write in flight failed: the write fails at once, exactly once (the frames
     * after it cannot be delivered anyway, and the hub drops the connection on a failure).
     */
    @Override
    public void failed(Throwable cause) {
        if (FRAMES_LEFT.getAndSet(this, Integer.MIN_VALUE / 2) > 0) {
            completeWrite(cause);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // the hub's writer never blocks in its callback
    }

    /** Hands the write back; the hub may start the next one inside its callback. */
    private void completeWrite(Throwable failure) {
        SendCallback done = writing;
        writing = null;
        if (failure == null) {
            done.succeeded();
        } else {
            done.failed(failure);
        }
    }

    @Override
    public void ping(ByteBuffer payload) {
        // a failed ping shows as a missing pong
        core.sendFrame(new Frame(OpCode.PING, payload), Callback.NOOP, false);
    }

    @Override
    public void close(CloseStatus status) {
        endData();
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

    /** No data frame of the hub's goes after this: a close frame may be on its way. */
    private void endData() {
        FrameWriter direct = frames;
        if (direct != null) {
            direct.endData();
        }
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
