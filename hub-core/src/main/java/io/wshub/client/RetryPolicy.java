package io.wshub.client;

import java.util.Set;

/**
 * Decides whether a {@link ReconnectingClient} tries again after a failed attempt or a lost
 * connection. A failure that is not retried is reported to {@link ClientListener#onFailure} and
 * closes the client, so that, say, a revoked credential is not hammered against the server forever.
 *
 * <p>{@link #standard()} gives up on what retrying cannot fix — a handshake refused with HTTP 400
 * (malformed request), 401 or 403 (credentials), 404 (no such path) or 409 (session id taken), a
 * connection the server closed with 1003 (unacceptable data) or 1008 (policy violation) — and
 * retries everything else: unreachable servers, timeouts, drops without a close frame (1006), 1001,
 * 1011, 1012, 1013, other statuses (429, 5xx …) and other close codes. Two refusals it retries
 * after all, because the client's history explains them: a 409 within
 * two minutes of losing an open connection (most likely the client's own session, which the
 * server has not yet seen end), and a 401 when the next attempt carries other credentials than the
 * refused one (a token supplier with a new token).
 *
 * <p>Whatever the policy, a retry after a refusal that carried {@code Retry-After}
 * ({@link HandshakeRefusedException#retryAfter()}) waits at least that long, even when the backoff
 * would come back sooner.
 */
@FunctionalInterface
public interface RetryPolicy {

    /** Whether to try again after {@code failure}, a {@link ConnectFailedException} or {@link ConnectionLostException}. */
    boolean shouldRetry(ClientException failure);

    /**
     * Whether to try again after {@code failure}, knowing the client's history; the client calls
     * this one. By default it asks {@link #shouldRetry(ClientException)}.
     */
    default boolean shouldRetry(ClientException failure, RetryContext context) {
        return shouldRetry(failure);
    }

    /**
     * Gives up on HTTP 400, 401, 403, 404 and 409 and on close codes 1003 and 1008, except a 409
     * shortly after an open connection was lost and a 401 with new credentials; retries the rest.
     */
    static RetryPolicy standard() {
        return StandardRetryPolicy.INSTANCE;
    }

    /**
     * Gives up on a handshake refused with one of {@code httpStatuses} and on a connection closed
     * with one of {@code closeCodes}; retries the rest. {@code refusing(Set.of(), Set.of())}
     * retries everything.
     */
    static RetryPolicy refusing(Set<Integer> httpStatuses, Set<Integer> closeCodes) {
        return new StatusRetryPolicy(httpStatuses, closeCodes);
    }

    /** Never tries again: the first failure closes the client (as a pooled connection wants). */
    static RetryPolicy never() {
        return failure -> false;
    }
}
