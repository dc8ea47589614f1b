package io.wshub.testkit;

/** The server refused the upgrade with this HTTP status. */
public final class KitUpgradeRefused extends Exception {

    private final int status;

    public KitUpgradeRefused(int status, Throwable cause) {
        super("upgrade refused with HTTP " + status, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
