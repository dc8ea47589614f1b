package io.wshub.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A failed connection attempt or a lost connection, as {@link ClientListener#onFailure} hears it.
 *
 * @param url     the address of the attempt or connection
 * @param cause   what happened: {@link ConnectFailedException} (including
 *                {@link HandshakeRefusedException}) for an attempt, {@link ConnectionLostException}
 *                for an open connection
 * @param retryIn how long the client waits before its next attempt, or null when this failure is
 *                not retried and the client closes
 */
public record ClientFailure(URI url, ClientException cause, Duration retryIn) {

    /** Checks for nulls where none is allowed. */
    public ClientFailure {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(cause, "cause");
    }

    /** Whether the client will try again. */
    public boolean willRetry() {
        return retryIn != null;
    }
}
