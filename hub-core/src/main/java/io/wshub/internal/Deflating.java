package io.wshub.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses a message's payload as permessage-deflate sends it (RFC 7692 §7.2.1): raw DEFLATE,
 * flushed to a byte boundary, with the trailing {@code 00 00 ff ff} of the flush removed. Without
 * context takeover ({@link #alone}) each message is compressed on its own, so the same payload at the
 * same level gives the same bytes for every recipient; with it ({@link #next}) a connection's deflater
 * keeps its window from message to message. Internal to wshub: public only for its other modules.
 */
public final class Deflating {

    /** One deflater per thread for messages compressed alone: made once, reset for each message. */
    private static final ThreadLocal<Deflater> ALONE = ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));

    private Deflating() {
    }

    /** A new deflater for a connection that keeps its compression context (its caller ends it). */
    public static Deflater contextDeflater(int level) {
        return new Deflater(level, true);
    }

    /** The payload compressed on its own, at this level (0-9, or -1 for zlib's default, 6). */
    public static byte[] alone(ByteBuffer payload, int level) {
        Deflater d = ALONE.get();
        d.reset();
        d.setLevel(level);
        return deflate(payload, d);
    }

    /** The payload compressed as the next message of this deflater's connection. */
    public static byte[] next(ByteBuffer payload, Deflater deflater) {
        return deflate(payload, deflater);
    }

    private static byte[] deflate(ByteBuffer payload, Deflater d) {
        d.setInput(payload.duplicate());
        byte[] out = new byte[Math.max(64, payload.remaining() / 2 + 64)];
        int n = 0;
        for (;;) {
            n += d.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            if (n < out.length) {
                break; // room left: the input is consumed and flushed
            }
            out = Arrays.copyOf(out, out.length * 2);
        }
        if (n >= 4 && out[n - 4] == 0 && out[n - 3] == 0 && out[n - 2] == (byte) 0xff && out[n - 1] == (byte) 0xff) {
            n -= 4;
        }
        return Arrays.copyOf(out, n);
    }
}
