package io.wshub.client;

import java.net.URI;
import java.util.Map;

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
     * The headers for an attempt to connect to {@code url}: one value per name (join several with
     * {@code ", "}).
     */
    Map<String, String> forAttempt(URI url);
}
