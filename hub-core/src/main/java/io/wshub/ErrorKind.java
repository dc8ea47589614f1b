package io.wshub;

/** Kinds of errors the hub counts in {@link HubStats} and reports to metrics listeners. */
public enum ErrorKind {
    /** An application handler threw; the session was closed with 1011. */
    HANDLER,
    /** The transport failed a write or reported an error. */
    TRANSPORT,
    /** A peer sent something the protocol refuses (bad JSON, unknown type, invalid room, ...). */
    INVALID_MESSAGE,
    /** A peer sent a message larger than the maximum; closed with 1009. */
    MESSAGE_TOO_BIG,
    /** A peer kept flooding past its rate limit; closed with 1008. */
    RATE_LIMIT_FLOOD,
    /** A peer answered no ping within the pong timeout. */
    HEARTBEAT_TIMEOUT,
    /** A write stayed in flight longer than the write timeout. */
    WRITE_TIMEOUT,
    /** The broker failed to publish to other nodes. */
    BROKER,
    /**
     * Something escaped one of the hub's own tasks (a flush, a deferred close): a bug, counted and
     * logged; the hub's thread went on.
     */
    INTERNAL
}
