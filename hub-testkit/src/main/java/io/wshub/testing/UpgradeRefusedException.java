package io.wshub.testing;

/** The hub refused an in-memory upgrade, as it would answer an HTTP upgrade with this status. */
public final class UpgradeRefusedException extends RuntimeException {

    /** The HTTP status the hub answered with. */
    private final int status;

    UpgradeRefusedException(int status, String reason) {
        super("upgrade refused: " + status + " " + reason);
        this.status = status;
    }

    /** The HTTP status the hub answered with (400, 401, 403, 409, 500 or 503). */
    public int status() {
        return status;
    }
}
