package io.wshub.client;

import java.time.Duration;
import java.util.Optional;

/**
 * What the client knows about itself when a {@link RetryPolicy} decides on a failure: whether it
 * has been open before, how long ago its last connection was lost, and whether the next attempt
 * would carry other credentials than the refused one did.
 */
public interface RetryContext {

    /** Whether the client has had an open connection before this failure. */
    boolean wasOpen();

    /** How long ago the last open connection was lost; empty when the client was never open. */
    Optional<Duration> sinceLastOpen();

    /**
     * Whether the headers of the next attempt (asked of the client's {@link ClientHeaders} now, and
     * then sent by that attempt) differ from those of the failed attempt: a token supplier that
     * has a new token. False when computing them throws.
     */
    boolean credentialsChanged();
}
