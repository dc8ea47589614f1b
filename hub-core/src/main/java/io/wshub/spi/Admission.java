package io.wshub.spi;

import java.time.Duration;

/**
 * The hub's answer to an upgrade request: accept it, or refuse it with an HTTP status. The
 * transport must end every {@link Accepted} with exactly one of {@link Accepted#open} or
 * {@link Accepted#abandon}; one that does neither is abandoned after the handshake timeout.
 */
public sealed interface Admission permits Admission.Accepted, Admission.Refused {

    /** The upgrade may go ahead; a session id and a connection slot are reserved for it. */
    non-sealed interface Accepted extends Admission {

        /** The id the session will have. */
        String sessionId();

        /**
         * The largest inbound message the session takes, all its frames together: the transport
         * builds the connection's {@link InboundPipeline} with it (and may refuse a larger single
         * frame before reading it whole).
         */
        long maxMessageBytes();

        /**
         * The largest inbound message taken as a stream of chunks, all its chunks together, or 0 when
         * the session takes whole messages only: the transport then builds the connection's
         * {@link InboundPipeline} with {@link InboundPipeline#InboundPipeline(InboundPipeline.Reader, long, long)}
         * and reports every data frame as a chunk (each still held to {@link #maxMessageBytes()}).
         */
        default long maxStreamBytes() {
            return 0;
        }

        /**
         * Whether the hub's handling of the session's events and the application's handler return
         * without blocking ({@link io.wshub.HubHandler#neverBlocks()}): a transport may then run the
         * connection's reads and the events they report on its I/O threads. False by default.
         */
        default boolean neverBlocks() {
            return false;
        }

        /**
         * The upgrade completed: opens the session on this connection (the application's
         * {@code onOpen} runs here) and returns where the transport reports its frames. The
         * first {@link Connection#demand()} comes from the hub.
         */
        ConnectionListener open(Connection connection);

        /** The upgrade failed: releases the id and the slot. */
        void abandon();
    }

    /**
     * Refuse the upgrade with this HTTP status and reason, and when to try again. A transport
     * that speaks HTTP answers {@code retryAfter} as a {@code Retry-After} header of whole seconds,
     * rounded up (at least 1).
     *
     * @param status     the HTTP status: 400 (malformed id), 401 or 403 (origin, authentication, an
     *                   id the credentials do not give), 409 (id taken), 429 (a per-address limit),
     *                   500 (authenticator failed) or 503 (full, shutting down)
     * @param reason     why, for the response body
     * @param retryAfter how long the client should wait before it tries again, or null when the
     *                   refusal does not say (every refusal but 429's)
     */
    record Refused(int status, String reason, Duration retryAfter) implements Admission {

        /** The hub's reason for a 503 while it shuts down. */
        public static final String SHUTTING_DOWN = "Server is shutting down";
        /** The hub's reason for a 403 from its origin policy. */
        public static final String ORIGIN_NOT_ALLOWED = "Origin not allowed";
        /** The hub's reason for a 503 at its connection limit. */
        public static final String TOO_MANY_CONNECTIONS = "Too many connections";
        /** The hub's reason for a 429 at the per-address session limit. */
        public static final String TOO_MANY_SESSIONS_FROM_ADDRESS = "Too many sessions from this address";
        /** The hub's reason for a 429 at the per-address upgrade rate. */
        public static final String TOO_MANY_UPGRADES_FROM_ADDRESS = "Too many upgrades from this address";

        /** Checks the retry-after: null or positive. */
        public Refused {
            if (retryAfter != null && (retryAfter.isNegative() || retryAfter.isZero())) {
                throw new IllegalArgumentException("retryAfter must be positive or null, was " + retryAfter);
            }
        }

        /** A refusal that does not say when to try again. */
        public Refused(int status, String reason) {
            this(status, reason, null);
        }

        /** {@link #retryAfter} in whole seconds, rounded up, as a {@code Retry-After} header says it; 0 when none. */
        public long retryAfterSeconds() {
            if (retryAfter == null) {
                return 0;
            }
            return retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        }
    }
}
