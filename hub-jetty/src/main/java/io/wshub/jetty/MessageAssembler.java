package io.wshub.jetty;

import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

import java.nio.ByteBuffer;
import java.util.function.LongPredicate;

/**
 * Builds one connection's inbound messages from their frames: every text message (decoded, and
 * refused with 1007 when it is not UTF-8) and every binary message that arrives in several frames
 * (a text or binary message in one frame needs no assembling and does not come here). Jetty's
 * parser already refuses a single frame over the size limit and checks the order of the frames;
 * this class asks the connection's {@link io.wshub.spi.InboundPipeline} whether the message is
 * still within the limit as each frame arrives, and refuses it with 1009 when it is not. It copies
 * what it is given, so each frame's buffer can be released at once.
 *
 * <p>Called only from Jetty's frame callbacks, which never overlap: not thread-safe.
 */
final class MessageAssembler {

    private final LongPredicate withinLimit;
    private boolean text;
    private Utf8StringBuilder chars;
    private ByteBuffer bytes;
    private long size;

    /** @param withinLimit whether a message of this many bytes, all frames together, may grow on */
    MessageAssembler(LongPredicate withinLimit) {
        this.withinLimit = withinLimit;
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

    /** The bytes of the message so far (all of it once its last frame is in). */
    long size() {
        return size;
    }

    /** Whether a message was started and not yet taken (nor refused). */
    boolean inProgress() {
        return chars != null || bytes != null;
    }

    /**
     * Adds the next frame's payload.
     *
     * @throws MessageTooLargeException when the message grows past the limit (the pipeline has
     *                                   been told)
     * @throws BadPayloadException       when text is not UTF-8 so far
     */
    void append(ByteBuffer payload) {
        int n = payload == null ? 0 : payload.remaining();
        size += n;
        if (!withinLimit.test(size)) {
            clear();
            throw new MessageTooLargeException("Message of " + size + " bytes is over the limit");
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

    private static ByteBuffer grown(ByteBuffer buffer, int needed) {
        long capacity = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + needed);
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(capacity, Integer.MAX_VALUE - 8));
        return larger.put(buffer.flip());
    }
}
