package io.wshub.micrometer;

import io.wshub.spi.Admission;

/**
 * The {@code reason} label of a refused upgrade: a small fixed set, so that a reason text chosen by
 * an authenticator can never become a label value. The hub's own reasons are told apart where an
 * operator acts differently on them (a full node, a node shutting down, an address over its session
 * or upgrade limit); the rest go by status.
 */
enum RefusalReason {
    INVALID_ID,
    UNAUTHORIZED,
    ORIGIN,
    FORBIDDEN,
    ID_TAKEN,
    ADDRESS_SESSIONS,
    ADDRESS_RATE,
    AUTHENTICATOR_FAILED,
    FULL,
    SHUTTING_DOWN,
    UNAVAILABLE,
    OTHER;

    /** The label for an admission refused with this status and reason. */
    static RefusalReason of(int status, String reason) {
        return switch (status) {
            case 400 -> INVALID_ID;
            case 401 -> UNAUTHORIZED;
            case 403 -> Admission.Refused.ORIGIN_NOT_ALLOWED.equals(reason) ? ORIGIN : FORBIDDEN;
            case 409 -> ID_TAKEN;
            case 429 -> Admission.Refused.TOO_MANY_SESSIONS_FROM_ADDRESS.equals(reason) ? ADDRESS_SESSIONS
                    : Admission.Refused.TOO_MANY_UPGRADES_FROM_ADDRESS.equals(reason) ? ADDRESS_RATE : OTHER;
            case 500 -> AUTHENTICATOR_FAILED;
            case 503 -> switch (reason == null ? "" : reason) {
                case Admission.Refused.TOO_MANY_CONNECTIONS -> FULL;
                case Admission.Refused.SHUTTING_DOWN -> SHUTTING_DOWN;
                default -> UNAVAILABLE;
            };
            default -> OTHER;
        };
    }
}
