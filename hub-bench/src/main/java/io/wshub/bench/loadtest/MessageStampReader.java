package io.wshub.bench.loadtest;

import java.nio.ByteBuffer;

/**
 * Reads the stamp of a message that may arrive in several frames. Jetty's client hands a frame
 * over in pieces when it straddles two network reads (a server that writes many frames at once
 * makes that common), so the stamp's bytes are collected across the pieces, without allocating.
 * One per connection, used by one thread at a time.
 */
final class MessageStampReader {

    /** Bytes of a message without a stamp kept for the error report. */
    static final int PREVIEW_BYTES = 48;

    private final byte[] head = new byte[PREVIEW_BYTES];
    private int filled;
    private long size;

    /** A new message begins. */
    void start() {
        filled = 0;
        size = 0;
    }

    /** Takes the next piece of the message; the buffer's position does not move. */
    void append(ByteBuffer payload) {
        if (payload == null) {
            return;
        }
        int take = Math.min(payload.remaining(), head.length - filled);
        payload.get(payload.position(), head, filled, take);
        filled += take;
        size += payload.remaining();
    }

    /** The message's stamp, or null when it has none. */
    MessageStamp stamp() {
        return MessageStamp.decode(head, filled);
    }

    /** The message's size and first bytes, escaped: what a message without a stamp looked like. */
    String preview() {
        StringBuilder text = new StringBuilder().append(size).append(" bytes '");
        for (int i = 0; i < filled; i++) {
            int b = head[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F) {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.append(size > filled ? "...'" : "'").toString();
    }
}
