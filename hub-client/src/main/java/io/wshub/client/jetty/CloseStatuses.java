package io.wshub.client.jetty;

import io.wshub.CloseStatus;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Turns what Jetty reports about a close into a {@link CloseStatus}, whatever Jetty hands over. */
final class CloseStatuses {

    private CloseStatuses() {
    }

    /**
     * The status for Jetty's code and reason: codes outside 1000–4999 become 1006, a missing
     * reason becomes empty, and a reason longer than a close frame allows (Jetty puts exception
     * messages there) is cut at a character boundary.
     */
    static CloseStatus of(int code, String reason) {
        int safeCode = code >= 1000 && code <= 4999 ? code : CloseStatus.ABNORMAL.code();
        return new CloseStatus(safeCode, truncate(reason == null ? "" : reason));
    }

    private static String truncate(String reason) {
        if (reason.length() * 3 <= CloseStatus.MAX_REASON_BYTES) {
            return reason; // even at 3 bytes per char it fits
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(CloseStatus.MAX_REASON_BYTES);
        CharBuffer in = CharBuffer.wrap(reason);
        encoder.encode(in, out, true); // stops before a character that does not fit whole
        return reason.substring(0, in.position());
    }
}
