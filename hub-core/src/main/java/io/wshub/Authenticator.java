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
     * with HTTP status 401 or 403. An acceptance may also fix the session's id (a token's
     * subject): the hub then uses that id, refuses a {@code ?id=} naming another with 403, and a
     * malformed one (not 1–64 of {@code [A-Za-z0-9_.-]}) with 403 too.
     *
     * @param accepted  whether the peer may connect
     * @param principal who it is, or null when accepted anonymously or refused
     * @param status    0 when accepted, else 401 or 403
     * @param reason    why it was refused, empty when accepted
     * @param sessionId the id the session must have, or null to let the peer ask ({@code ?id=})
     *                  or the hub choose
     */
    record Result(boolean accepted, Principal principal, int status, String reason, String sessionId) {

        /**
         * Validates that a refusal carries 401 or 403 and an acceptance carries neither, and that
         * only an acceptance fixes a session id.
         */
        public Result {
            Objects.requireNonNull(reason, "reason");
            if (!accepted && sessionId != null) {
                throw new IllegalArgumentException("a refusal fixes no session id");
            }
            if (accepted && status != 0) {
                throw new IllegalArgumentException("an accepted result has no status, was " + status);
            }
            if (!accepted && status != 401 && status != 403) {
                throw new IllegalArgumentException("a refusal must be 401 or 403, was " + status);
            }
        }

        /** A result that fixes no session id. */
        public Result(boolean accepted, Principal principal, int status, String reason) {
            this(accepted, principal, status, reason, null);
        }

        /** Accepts the peer as this principal. */
        public static Result accept(Principal principal) {
            return new Result(true, Objects.requireNonNull(principal, "principal"), 0, "");
        }

        /** Accepts the peer as this principal, whose session must have this id. */
        public static Result accept(Principal principal, String sessionId) {
            return new Result(true, Objects.requireNonNull(principal, "principal"), 0, "",
                    Objects.requireNonNull(sessionId, "sessionId"));
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
