package io.wshub.testkit;

/**
 * The server transport refused the upgrade with this HTTP status: what {@link KitServer#connect}
 * throws when the acceptor refused the upgrade.
 */
public final class KitUpgradeRefused extends Exception {

    /** The HTTP status of the refusal. */
    private final int status;

    /** The refusal, with the client's own exception as the cause. */
    public KitUpgradeRefused(int status, Throwable cause) {
        super("upgrade refused with HTTP " + status, cause);
        this.status = status;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return status;
    }
}
