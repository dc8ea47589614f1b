package io.wshub;

import java.security.Principal;
import java.util.Objects;

/**
 * Decides, before the upgrade, who a connecting peer is. It sees the whole {@link Handshake}
 * (headers, query, cookies, remote address) and returns a principal or a refusal that becomes an
 * HTTP status; no WebSocket frame is ever exchanged with a refused peer.
 *
 * <p>It runs on the transport's upgrade thread: keep it quick (verify a token, look up a cache),
 * never block on the network. An exception it throws refuses the upgrade with 500 and is logged.
 */
@FunctionalInterface
public interface Authenticator {

    /** Accepts everyone, anonymously. The default. */
    Authenticator ANONYMOUS = handshake -> Result.anonymous();

    /** Authenticates one upgrade request. */
    Result authenticate(Handshake handshake);

    /**
     * The outcome: a principal (possibly none, for an anonymous but accepted peer) or a refusal
     * with HTTP status 401 or 403.
     *
     * @param accepted  whether the peer may connect
     * @param principal who it is, or null when accepted anonymously or refused
     * @param status    0 when accepted, else 401 or 403
     * @param reason    why it was refused, empty when accepted
     */
    record Result(boolean accepted, Principal principal, int status, String reason) {

        /** Validates that a refusal carries 401 or 403 and an acceptance carries neither. */
        public Result {
            Objects.requireNonNull(reason, "reason");
            if (accepted && status != 0) {
                throw new IllegalArgumentException("an accepted result has no status, was " + status);
            }
            if (!accepted && status != 401 && status != 403) {
                throw new IllegalArgumentException("a refusal must be 401 or 403, was " + status);
            }
        }

        /** Accepts the peer as this principal. */
        public static Result accept(Principal principal) {
            return new Result(true, Objects.requireNonNull(principal, "principal"), 0, "");
        }

        /** Accepts the peer without a principal. */
        public static Result anonymous() {
            return new Result(true, null, 0, "");
        }

        /** Refuses with 401: no or invalid credentials. */
        public static Result unauthorized(String reason) {
            return new Result(false, null, 401, reason);
        }

        /** Refuses with 403: valid credentials, not allowed. */
        public static Result forbidden(String reason) {
            return new Result(false, null, 403, reason);
        }
    }
}
