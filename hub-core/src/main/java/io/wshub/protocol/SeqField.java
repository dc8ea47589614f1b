package io.wshub.protocol;

import io.wshub.Message;
import io.wshub.Positioned;

import java.nio.charset.StandardCharsets;

/**
 * A JSON object encoded once, that takes its position as a last field {@code "seq":N}: the object's
 * bytes up to its closing brace, then the field, in one copy per message (not per recipient).
 */
final class SeqField implements Positioned {

    private static final byte[] FIELD = ",\"seq\":".getBytes(StandardCharsets.US_ASCII);

    /** The object's UTF-8 bytes, with at least one field (a type) and no seq. */
    private final byte[] object;
    private final Message unpositioned;

    SeqField(byte[] object) {
        this.object = object;
        this.unpositioned = Message.utf8(object);
    }

    @Override
    public Message unpositioned() {
        return unpositioned;
    }

    @Override
    public Message at(long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("a seq starts at 1, was " + seq);
        }
        int digits = digits(seq);
        int brace = object.length - 1; // Jackson writes no whitespace: the object ends with its brace
        byte[] out = new byte[brace + FIELD.length + digits + 1];
        System.arraycopy(object, 0, out, 0, brace);
        System.arraycopy(FIELD, 0, out, brace, FIELD.length);
        long n = seq;
        for (int i = brace + FIELD.length + digits - 1; i >= brace + FIELD.length; i--) {
            out[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        out[out.length - 1] = '}';
        return Message.utf8(out);
    }

    private static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }
}
