package io.wshub.testing;

import java.time.Duration;
import java.util.Optional;

/** The hub refused an in-memory upgrade, as it would answer an HTTP upgrade with this status. */
public final class UpgradeRefusedException extends RuntimeException {

    /** The HTTP status the hub answered with. */
    private final int status;
    private final Duration retryAfter;

    UpgradeRefusedException(int status, String reason, Duration retryAfter) {
        super("upgrade refused: " + status + " " + reason);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status the hub answered with (400, 401, 403, 409, 429, 500 or 503). */
    public int status() {
        return status;
    }

    /** How long the hub asked the client to wait (an HTTP transport's {@code Retry-After}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
