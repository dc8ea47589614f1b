package io.wshub.internal;

import java.nio.ByteBuffer;

/** UTF-8 arithmetic without encoding. Internal to hub-core: public only for its other packages. */
public final class Utf8 {

    private Utf8() {
    }

    /** The UTF-8 length of a string (an unpaired surrogate counts as the 3 bytes of its replacement). */
    public static long length(CharSequence s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Checks UTF-8 that arrives in pieces split anywhere (a streamed text message): RFC 3629's rules,
     * no overlong forms, no surrogates, nothing above U+10FFFF. Not thread-safe.
     */
    public static final class Validator {
        /** Continuation bytes still expected for the current character. */
        private int need;
        /** The range the next continuation byte must fall in (narrower after E0, ED, F0, F4). */
        private int lower = 0x80;
        private int upper = 0xBF;

        /** Checks the buffer's remaining bytes without moving its position; false at the first invalid one. */
        public boolean accept(ByteBuffer bytes) {
            for (int i = bytes.position(), n = bytes.limit(); i < n; i++) {
                int c = bytes.get(i) & 0xFF;
                if (need > 0) {
                    if (c < lower || c > upper) {
                        return false;
                    }
                    lower = 0x80;
                    upper = 0xBF;
                    need--;
                } else if (c >= 0x80 && !lead(c)) {
                    return false;
                }
            }
            return true;
        }

        private boolean lead(int c) {
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                lower = c == 0xE0 ? 0xA0 : 0x80;
                upper = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                lower = c == 0xF0 ? 0x90 : 0x80;
                upper = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            return true;
        }

        /** Whether what was accepted ends on a whole character. */
        public boolean isComplete() {
            return need == 0;
        }
    }
}
