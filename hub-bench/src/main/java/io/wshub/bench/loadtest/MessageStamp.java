package io.wshub.bench.loadtest;

import java.nio.charset.StandardCharsets;

/**
 * What travels in every load-test message: its number, the time it was sent (this process's
 * {@link System#nanoTime()}: sender and receiver are the same process), and whether it belongs
 * to the measured window. Encoded as ASCII text so that any server relays it unchanged:
 * 16 hex digits of number, 16 of time, {@code M} or {@code W}, then JSON-like quotes up to the size
 * (field names that repeat, digits that vary: about as compressible as a feed of prices, so that
 * permessage-deflate is measured on a realistic ratio, not on a run of one byte).
 *
 * @param seq       the message's number, from 0
 * @param sentNanos when it was sent (or, paced, when it was due)
 * @param measured  whether it was sent inside the measured window (else during warm-up)
 */
record MessageStamp(long seq, long sentNanos, boolean measured) {

    /** The smallest message that holds a stamp. */
    static final int LENGTH = 33;

    private static final int HEX_DIGITS = 16;
    private static final byte MEASURED = 'M';
    private static final byte WARMUP = 'W';
    private static final byte[] QUOTE = "{\"symbol\":\"ACME\",\"bid\":0000.00,\"ask\":0000.00},".getBytes(StandardCharsets.US_ASCII);

    /** The stamp as a text message of exactly {@code size} bytes. */
    String encode(int size) {
        if (size < LENGTH) {
            throw new IllegalArgumentException("a stamped message needs at least " + LENGTH + " bytes, was " + size);
        }
        byte[] bytes = new byte[size];
        hex(seq, bytes, 0);
        hex(sentNanos, bytes, HEX_DIGITS);
        bytes[2 * HEX_DIGITS] = measured ? MEASURED : WARMUP;
        pad(bytes, LENGTH, seq);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Fills from {@code at} with quotes whose digits come from a generator seeded by the message's number. */
    private static void pad(byte[] bytes, int at, long seed) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = at, q = 0; i < bytes.length; i++, q = (q + 1) % QUOTE.length) {
            byte b = QUOTE[q];
            if (b == '0') {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b = (byte) ('0' + (int) ((x >>> 33) % 10));
            }
            bytes[i] = b;
        }
    }

    /** Reads the stamp from the first bytes of a message; null when they hold none (a foreign message). */
    static MessageStamp decode(byte[] head, int length) {
        if (length < LENGTH) {
            return null;
        }
        byte flag = head[2 * HEX_DIGITS];
        if (flag != MEASURED && flag != WARMUP) {
            return null;
        }
        long seq = 0;
        long sent = 0;
        for (int i = 0; i < HEX_DIGITS; i++) {
            int s = Character.digit(head[i], 16);
            int t = Character.digit(head[HEX_DIGITS + i], 16);
            if (s < 0 || t < 0) {
                return null;
            }
            seq = (seq << 4) | s;
            sent = (sent << 4) | t;
        }
        return new MessageStamp(seq, sent, flag == MEASURED);
    }

    private static void hex(long value, byte[] into, int offset) {
        for (int i = HEX_DIGITS - 1; i >= 0; i--) {
            into[offset + i] = (byte) Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
    }
}
