package io.wshub.protocol;

import io.wshub.Chunk;
import io.wshub.HubHandler;
import io.wshub.Message;
import io.wshub.OutboundStream;
import io.wshub.Session;

import java.nio.ByteBuffer;

/**
 * The examples' {@code /binary} protocol: binary messages that start with a 4-byte header, a type
 * byte and a 24-bit big-endian payload length, taken and answered as streams, never held whole.
 *
 * <ul>
 *   <li>Type 1, data: answered by one binary message with the header {@code [2, length]} and the
 *       same payload, streamed through as it arrives: each chunk read is written to the answer, and
 *       the next is read only once it has been written, so a peer that stops reading its answer stops
 *       the reading of its upload (its memory on the server is one chunk). Bytes past the header's
 *       length are not relayed; a message that ends before it is closed with 1007.</li>
 *   <li>Type 2, control: answered by the one byte {@code [0x00]} (ACK) once the message has arrived.</li>
 *   <li>Any other type: read and ignored.</li>
 *   <li>A text message: closed with 1003 {@code Expected binary data}.</li>
 * </ul>
 */
public final class BinaryStreamProtocol implements HubHandler {

    /** The type of a data message. */
    public static final int DATA = 1;
    /** The type of a control message, and of the answer to a data message. */
    public static final int CONTROL = 2;
    /** The bytes of a header: a type and a 24-bit length. */
    public static final int HEADER_BYTES = 4;

    private static final byte[] ACK = {0x00};
    private static final String STATE = BinaryStreamProtocol.class.getName();

    /** The message arriving on one session; used only from its handler calls, which never overlap. */
    private static final class Arriving {
        final byte[] header = new byte[HEADER_BYTES];
        int headerRead;
        /** The answer of a data message, once its header is in. */
        OutboundStream answer;
        /** Payload bytes still to relay; the answer is ended when none are. */
        long remaining;
        boolean answered;

        int type() {
            return header[0] & 0xFF;
        }

        int length() {
            return (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
        }
    }

    /** It only sends and releases chunks, which never blocks. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public boolean streamsMessages() {
        return true;
    }

    @Override
    public void onChunk(Session session, Chunk chunk) {
        if (chunk.isText()) {
            if (chunk.isFirst()) {
                session.close(1003, "Expected binary data");
            }
            chunk.release();
            return;
        }
        Arriving m;
        if (chunk.isFirst()) {
            m = new Arriving();
            session.attributes().put(STATE, m);
        } else {
            m = (Arriving) session.attributes().get(STATE);
        }
        ByteBuffer data = chunk.data();
        while (m.headerRead < HEADER_BYTES && data.hasRemaining()) {
            m.header[m.headerRead++] = data.get();
        }
        if (m.headerRead < HEADER_BYTES) {
            if (chunk.isLast()) {
                session.close(1007, "Message shorter than its header");
            }
            chunk.release();
            return;
        }
        switch (m.type()) {
            case DATA -> relay(session, m, chunk, data);
            case CONTROL -> {
                if (chunk.isLast()) {
                    session.send(Message.binary(ACK));
                }
                chunk.release();
            }
            default -> chunk.release();
        }
    }

    /** Writes what this chunk carries of a data message's payload to its answer; releases the chunk once written. */
    private static void relay(Session session, Arriving m, Chunk chunk, ByteBuffer data) {
        if (m.answer == null) {
            m.answer = session.stream(false);
            m.remaining = m.length();
            m.answered = m.remaining == 0;
            m.answer.write(ByteBuffer.wrap(new byte[] {CONTROL, m.header[1], m.header[2], m.header[3]}), m.answered);
        }
        if (m.answered) {
            chunk.release(); // past the header's length: not relayed
            return;
        }
        int n = (int) Math.min(m.remaining, data.remaining());
        m.remaining -= n;
        m.answered = m.remaining == 0;
        if (!m.answered && chunk.isLast()) {
            session.close(1007, "Message shorter than its header");
            chunk.release();
            return;
        }
        if (n == 0) {
            chunk.release();
            return;
        }
        ByteBuffer part = data.slice();
        part.limit(n);
        m.answer.write(part, m.answered).whenComplete((written, failed) -> chunk.release());
    }
}
