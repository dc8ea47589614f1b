package io.wshub.client;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Computes the upgrade request's headers afresh for every connection attempt, so that a token can
 * be refreshed between attempts. Called on a client thread; it must not block for long (fetch
 * tokens in the background and return the current one). An exception fails the attempt, which is
 * then retried like any other failed attempt.
 */
@FunctionalInterface
public interface ClientHeaders {

    /** No extra headers. */
    ClientHeaders NONE = url -> Map.of();

    /**
     * {@code Authorization: Bearer T}, with {@code T} asked of {@code token} for every attempt
     * (so that a reconnect after an expired token sends a fresh one).
     *
     * @throws IllegalStateException from {@link #forAttempt} when the supplier gives null or an
     *         empty token, failing that attempt
     */
    static ClientHeaders bearer(Supplier<String> token) {
        Objects.requireNonNull(token, "token");
        return url -> {
            String t = token.get();
            if (t == null || t.isEmpty()) {
                throw new IllegalStateException("the token supplier gave no token");
            }
            return Map.of("Authorization", "Bearer " + t);
        };
    }

    /**
     * The headers for an attempt to connect to {@code url}: one value per name (join several with
     * {@code ", "}).
     */
    Map<String, String> forAttempt(URI url);
}
