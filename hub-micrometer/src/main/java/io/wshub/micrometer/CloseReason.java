package io.wshub.micrometer;

import io.wshub.CloseStatus;

/**
 * The {@code reason} label of a closed session: the hub's named close statuses, then the close
 * code's meaning, then {@code other}. A fixed set, whatever codes and texts peers send.
 */
enum CloseReason {
    NORMAL,
    NO_STATUS,
    SHUTDOWN,
    HEARTBEAT_TIMEOUT,
    GOING_AWAY,
    ABNORMAL,
    SLOW_CONSUMER,
    WRITE_TIMEOUT,
    RATE_LIMIT,
    POLICY,
    MESSAGE_TOO_BIG,
    SERVER_ERROR,
    OTHER;

    static CloseReason of(CloseStatus status) {
        if (status.equals(CloseStatus.SERVER_SHUTDOWN)) {
            return SHUTDOWN;
        }
        if (status.equals(CloseStatus.HEARTBEAT_TIMEOUT)) {
            return HEARTBEAT_TIMEOUT;
        }
        if (status.equals(CloseStatus.SLOW_CONSUMER)) {
            return SLOW_CONSUMER;
        }
        if (status.equals(CloseStatus.WRITE_TIMEOUT)) {
            return WRITE_TIMEOUT;
        }
        if (status.equals(CloseStatus.RATE_LIMIT_EXCEEDED)) {
            return RATE_LIMIT;
        }
        return switch (status.code()) {
            case 1000 -> NORMAL;
            case 1001 -> GOING_AWAY;
            case 1005 -> NO_STATUS;
            case 1006 -> ABNORMAL;
            case 1008 -> POLICY;
            case 1009 -> MESSAGE_TOO_BIG;
            case 1011 -> SERVER_ERROR;
            default -> OTHER;
        };
    }
}
