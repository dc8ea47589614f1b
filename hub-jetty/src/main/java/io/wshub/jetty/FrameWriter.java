package io.wshub.jetty;

import io.wshub.Message;
import io.wshub.spi.SendCallback;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;

/**
 * Writes the hub's data frames to the socket itself, past Jetty's frame pipeline: a send's frames
 * are encoded, headers and payloads, into one pooled buffer and leave in one socket write. Jetty's
 * path takes a session, a fragmenting flusher, the extension stack and its frame flusher per frame,
 * each queueing, locking and allocating (an entry, an iterator, a buffer list, a callback) to do the
 * same; at moderate rates, where every send is one frame, that was most of what wshub's writers
 * allocated and a sixth of its CPU (docs/performance.md, "A profile with the kernel in it").
 *
 * <p>It writes only where Jetty's own frames (the close handshake, pings, pongs) cannot cross its
 * writes: on an {@link InPlaceEndPoint}, which queues a write that arrives while another is in
 * flight instead of refusing it, so each write leaves whole and in the order it was made. A send
 * that would take more than {@link #MAX_WRITE_BYTES} goes Jetty's way, like everything on a socket
 * that is not a {@link WshubConnector}'s.
 *
 * <p>One write at a time (the hub's promise): the writer is its own callback and holds the write's
 * buffer until the socket is done with it.
 */
final class FrameWriter implements Callback {

    /** The most a send may take to be written here; larger ones are not worth a pooled buffer. */
    static final int MAX_WRITE_BYTES = 64 * 1024;
    /** RFC 6455's longest header of a frame from a server (no mask): 2 bytes and a 64-bit length. */
    private static final int MAX_HEADER_BYTES = 10;

    private final InPlaceEndPoint endPoint;
    private final ByteBufferPool pool;
    /** The most one send may take here: {@link #MAX_WRITE_BYTES}, or less when Jetty would fragment frames smaller. */
    private final int maxWriteBytes;
    /** The bytes of the write in flight, released when it completes; else null. */
    private RetainableByteBuffer buffer;
    /** Who hears of the write in flight; else null. */
    private SendCallback done;

    /**
     * @param fragmentAt the largest frame Jetty's path would send whole (it fragments larger ones);
     *                   a send that could hold a larger one goes that way
     */
    FrameWriter(InPlaceEndPoint endPoint, ByteBufferPool pool, long fragmentAt) {
        this.endPoint = endPoint;
        this.pool = pool;
        this.maxWriteBytes = (int) Math.min(MAX_WRITE_BYTES, fragmentAt);
    }

    /**
     * Writes {@code messages[0..count)}, compressed by {@code deflate} when it is not null, and
     * tells {@code callback} once the socket took them all or failed; call it only once the
     * previous write completed. Frames that would take more than {@link #MAX_WRITE_BYTES}, or that
     * could hold one Jetty would fragment, are not written (and the callback not told): they go
     * Jetty's way.
     *
     * @return whether it took the frames
     */
    boolean write(Message[] messages, int count, OutboundDeflate deflate, SendCallback callback) {
        long estimate = 0;
        for (int i = 0; i < count; i++) {
            estimate += MAX_HEADER_BYTES + messages[i].size();
        }
        if (estimate > maxWriteBytes) {
            return false;
        }
        RetainableByteBuffer bytes = pool.acquire((int) estimate, true);
        ByteBuffer out = bytes.getByteBuffer();
        out.clear();
        try {
            for (int i = 0; i < count; i++) {
                Message message = messages[i];
                ByteBuffer deflated = deflate == null ? null : deflate.compress(message);
                ByteBuffer payload = deflated == null ? message.payload() : deflated;
                if (out.remaining() < MAX_HEADER_BYTES + payload.remaining()) {
                    // compressed with the context taken over, a frame can come out larger than it went in
                    RetainableByteBuffer larger = pool.acquire(out.position() + (MAX_HEADER_BYTES + payload.remaining()) * 2, true);
                    ByteBuffer grown = larger.getByteBuffer();
                    grown.clear();
                    grown.put(out.flip());
                    bytes.release();
                    bytes = larger;
                    out = grown;
                }
                putHeader(out, message.isText() ? OpCode.TEXT : OpCode.BINARY, deflated != null, payload.remaining());
                out.put(payload);
            }
        } catch (RuntimeException e) {
            bytes.release();
            callback.failed(e);
            return true;
        }
        out.flip();
        buffer = bytes;
        done = callback;
        endPoint.writeData(this, out);
        return true;
    }

    /** From now on writes fail: a close frame may follow. */
    void endData() {
        endPoint.endData();
    }

    /** A whole frame's header from a server: FIN, RSV1 when compressed, the opcode, the length unmasked. */
    private static void putHeader(ByteBuffer out, byte opCode, boolean compressed, int length) {
        out.put((byte) (0x80 | (compressed ? 0x40 : 0) | opCode));
        if (length < 126) {
            out.put((byte) length);
        } else if (length <= 0xFFFF) {
            out.put((byte) 126).putShort((short) length);
        } else {
            out.put((byte) 127).putLong(length);
        }
    }

    @Override
    public void succeeded() {
        finish().succeeded();
    }

    @Override
    public void failed(Throwable cause) {
        finish().failed(cause);
    }

    /** Releases the write's buffer and hands back who hears of it; the next write may start from there. */
    private SendCallback finish() {
        SendCallback callback = done;
        done = null;
        buffer.release();
        buffer = null;
        return callback;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // the hub's writer never blocks in its callback
    }
}
