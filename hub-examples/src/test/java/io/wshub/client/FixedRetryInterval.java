package io.wshub.client;

/**
 * Clients that retry at a fixed interval, as the clients of the room-server incident did: every
 * wait is exactly the backoff ceiling, with no jitter. {@link ClientOptions} cannot say this (its
 * waits are always drawn from [0, ceiling)); the builder's jitter source can, but it is
 * package-private, kept for tests, hence this class in the client's package. With
 * {@code initialBackoff == maxBackoff} the ceiling never moves, so every retry comes exactly
 * that long after the failure.
 */
public final class FixedRetryInterval {

    private FixedRetryInterval() {
    }

    /** Makes every wait of this client the full ceiling ({@code initialBackoff}, doubling up to {@code maxBackoff}). */
    public static ReconnectingClient.Builder withoutJitter(ReconnectingClient.Builder builder) {
        return builder.jitter(() -> 1.0);
    }
}
