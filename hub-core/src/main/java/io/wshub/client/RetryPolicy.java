package io.wshub.client;

import java.util.Set;

/**
 * Decides whether a {@link ReconnectingClient} tries again after a failed attempt or a lost
 * connection. A failure that is not retried is reported to {@link ClientListener#onFailure} and
 * closes the client, so that, say, a revoked credential is not hammered against the server forever.
 *
 * <p>{@link #standard()} gives up on a handshake refused with HTTP 401 or 403 and on a connection
 * the server closed with 1003 (unacceptable data) or 1008 (policy violation), and retries
 * everything else: unreachable servers, timeouts, drops without a close frame (1006), 1001, 1011,
 * 1012, 1013, other statuses (429 and 503 included) and other close codes.
 *
 * <p>Whatever the policy, a retry after a refusal that carried {@code Retry-After}
 * ({@link HandshakeRefusedException#retryAfter()}) waits at least that long, even when the backoff
 * would come back sooner.
 */
@FunctionalInterface
public interface RetryPolicy {

    /** Whether to try again after {@code failure}, a {@link ConnectFailedException} or {@link ConnectionLostException}. */
    boolean shouldRetry(ClientException failure);

    /** Gives up on HTTP 401 and 403 and on close codes 1003 and 1008; retries the rest. */
    static RetryPolicy standard() {
        return StatusRetryPolicy.STANDARD;
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
