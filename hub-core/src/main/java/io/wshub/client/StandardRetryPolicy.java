package io.wshub.client;

import java.time.Duration;
import java.util.Set;

/**
 * {@link RetryPolicy#standard()}: gives up on what retrying cannot fix, with two exceptions that
 * the client's own history explains.
 */
final class StandardRetryPolicy implements RetryPolicy {

    static final StandardRetryPolicy INSTANCE = new StandardRetryPolicy();

    /**
     * How long after losing its connection a 409 may be the client's own old session: the server
     * notices a half-open connection by its heartbeat (a ping every 54 s and a pong wait of 60 s by
     * default) and a held session keeps its id for its resume window (60 s by default).
     */
    static final Duration STALE_SESSION_GRACE = Duration.ofMinutes(2);

    /**
     * 400 and 404: the request or path is wrong; 401 and 403: the credentials will not get better by
     * themselves; 409: the session id is someone else's; 1003 and 1008: the server rejects what we do.
     */
    private static final RetryPolicy STATUSES = new StatusRetryPolicy(Set.of(400, 401, 403, 404, 409), Set.of(1003, 1008));

    private StandardRetryPolicy() {
    }

    @Override
    public boolean shouldRetry(ClientException failure) {
        return STATUSES.shouldRetry(failure);
    }

    @Override
    public boolean shouldRetry(ClientException failure, RetryContext context) {
        if (failure instanceof HandshakeRefusedException refused) {
            if (refused.status() == 409 && context.wasOpen()
                    && context.sinceLastOpen().map(d -> d.compareTo(STALE_SESSION_GRACE) < 0).orElse(false)) {
                return true; // most likely our own session, which the server has not yet seen end
            }
            if (refused.status() == 401 && context.credentialsChanged()) {
                return true;
            }
        }
        return shouldRetry(failure);
    }

    @Override
    public String toString() {
        return "RetryPolicy.standard()";
    }
}
