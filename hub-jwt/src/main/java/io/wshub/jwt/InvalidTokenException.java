package io.wshub.jwt;

/**
 * A token that does not pass: the HTTP status the upgrade is refused with (401 for a missing,
 * malformed, badly signed, expired or not-yet-valid token; 403 for a wrong issuer or audience)
 * and a short reason that never repeats the token's content.
 */
public final class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** 401 or 403. */
    private final int status;

    InvalidTokenException(int status, String reason) {
        super(reason, null, false, false); // an expected outcome: no stack trace to fill
        this.status = status;
    }

    /** 401 or 403. */
    public int status() {
        return status;
    }
}
