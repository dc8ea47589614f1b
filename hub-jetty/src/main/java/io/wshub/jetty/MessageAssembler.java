package io.wshub.jetty;

import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

import java.nio.ByteBuffer;

/**
 * Builds one connection's inbound messages from their frames: every text message (decoded, and
 * refused with 1007 when it is not UTF-8) and every binary message that arrives in several frames
 * (a binary message in one frame needs no assembling and does not come here). Jetty's parser
 * already refuses a single frame over the size limit and checks the order of the frames; this
 * class refuses a message whose frames add up to more than the limit (1009). It copies what it is
 * given, so each frame's buffer can be released at once.
 *
 * <p>Called only from Jetty's frame callbacks, which never overlap: not thread-safe.
 */
final class MessageAssembler {

    private final long maxBytes;
    private boolean text;
    private Utf8StringBuilder chars;
    private ByteBuffer bytes;
    private long size;

    /** @param maxBytes the largest message, all frames together */
    MessageAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Starts a message with its first frame's payload. */
    void start(boolean isText, ByteBuffer payload) {
        text = isText;
        size = 0;
        if (isText) {
            chars = new Utf8StringBuilder();
        } else {
            bytes = ByteBuffer.allocate(Math.max(256, payload == null ? 0 : payload.remaining() * 2));
        }
        append(payload);
    }

    boolean isText() {
        return text;
    }

    /** Whether a message was started and not yet taken (nor refused). */
    boolean inProgress() {
        return chars != null || bytes != null;
    }

    /**
     * Adds the next frame's payload.
     *
     * @throws MessageTooLargeException when the message grows past the limit
     * @throws BadPayloadException       when text is not UTF-8 so far
     */
    void append(ByteBuffer payload) {
        int n = payload == null ? 0 : payload.remaining();
        size += n;
        if (size > maxBytes) {
            clear();
            throw new MessageTooLargeException("Message larger than " + maxBytes + " bytes");
        }
        if (n == 0) {
            return;
        }
        if (text) {
            chars.append(payload);
            if (chars.hasCodingErrors()) {
                clear();
                throw new BadPayloadException.InvalidUtf8(); // at once, not at the end of the message
            }
        } else {
            if (bytes.remaining() < n) {
                bytes = grown(bytes, n);
            }
            bytes.put(payload);
        }
    }

    /**
     * The whole text message.
     *
     * @throws BadPayloadException when it is not valid UTF-8
     */
    String takeText() {
        Utf8StringBuilder taken = chars;
        clear();
        return taken.takeCompleteString(BadPayloadException.InvalidUtf8::new);
    }

    /** The whole binary message, ready to read. */
    ByteBuffer takeBinary() {
        ByteBuffer taken = bytes.flip();
        clear();
        return taken;
    }

    /** Forgets the message in progress. */
    void clear() {
        chars = null;
        bytes = null;
    }

    private ByteBuffer grown(ByteBuffer buffer, int needed) {
        long capacity = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + needed);
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(capacity, Math.min(maxBytes, Integer.MAX_VALUE - 8)));
        return larger.put(buffer.flip());
    }
}
