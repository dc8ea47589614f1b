package io.wshub;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A WebSocket close code and reason (RFC 6455 section 7.4).
 *
 * <p>Any code from 1000 to 4999 can be <em>reported</em> (1005 and 1006 describe closes without a
 * close frame); only {@linkplain #isSendable() sendable} codes may be sent in a close frame.
 *
 * @param code   the close code, 1000–4999
 * @param reason a human-readable reason of at most 123 UTF-8 bytes, never null
 */
public record CloseStatus(int code, String reason) {

    /** 1000: the purpose of the connection is fulfilled. */
    public static final CloseStatus NORMAL = new CloseStatus(1000, "");
    /** 1001: the server is going away. */
    public static final CloseStatus SERVER_SHUTDOWN = new CloseStatus(1001, "Server shutdown");
    /** 1001: the peer answered no ping and sent nothing within the pong timeout. */
    public static final CloseStatus HEARTBEAT_TIMEOUT = new CloseStatus(1001, "Heartbeat timeout");
    /** 1006: the connection ended without a close frame (reported only, never sent). */
    public static final CloseStatus ABNORMAL = new CloseStatus(1006, "");
    /** 1008: the peer does not read fast enough; its outbound queue overflowed. */
    public static final CloseStatus SLOW_CONSUMER = new CloseStatus(1008, "Slow consumer");
    /** 1008: a write to the peer stayed in flight longer than the write timeout. */
    public static final CloseStatus WRITE_TIMEOUT = new CloseStatus(1008, "Write timeout");
    /** 1008: the peer kept sending past its rate limit. */
    public static final CloseStatus RATE_LIMIT_EXCEEDED = new CloseStatus(1008, "Rate limit exceeded");
    /** 1009: a message was larger than the maximum message size. */
    public static final CloseStatus MESSAGE_TOO_BIG = new CloseStatus(1009, "Message too big");
    /** 1011: the server failed while handling a message. */
    public static final CloseStatus SERVER_ERROR = new CloseStatus(1011, "Server error");

    /** Largest close reason: a control frame carries at most 125 bytes, two of them the code. */
    public static final int MAX_REASON_BYTES = 123;

    /** Validates the code range and the reason's encoded length. */
    public CloseStatus {
        if (code < 1000 || code > 4999) {
            throw new IllegalArgumentException("close code must be 1000-4999, was " + code);
        }
        Objects.requireNonNull(reason, "reason");
        int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REASON_BYTES) {
            throw new IllegalArgumentException(
                    "close reason must be at most " + MAX_REASON_BYTES + " UTF-8 bytes, was " + bytes);
        }
    }

    /**
     * Whether this code may be sent in a close frame: 1000–1003, 1007–1014 or 3000–4999
     * (1004, 1005, 1006 and 1015 are reserved, 1016–2999 are for future protocol use).
     */
    public boolean isSendable() {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    /** Throws when this status may not be sent in a close frame. */
    public CloseStatus requireSendable() {
        if (!isSendable()) {
            throw new IllegalArgumentException("close code " + code + " may not be sent in a close frame");
        }
        return this;
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? Integer.toString(code) : code + " " + reason;
    }
}
