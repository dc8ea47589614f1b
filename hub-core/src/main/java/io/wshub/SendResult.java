package io.wshub;

/**
 * What became of a message handed to {@link Session#send} or {@link Hub#sendTo}. A runtime
 * condition is a result, not an exception: sending never blocks and never throws for a full queue
 * or a closed session.
 */
public enum SendResult {
    /**
     * Accepted into the session's outbound queue; it will be written unless the session closes
     * first (a presence announcement may instead have been coalesced with one of its key that was
     * waiting: see {@link Message#asPresence}). A private message to a session held for resume is
     * QUEUED too: kept in its inbox for the client to recover.
     */
    QUEUED,
    /** Refused because the outbound queue is full and the session's policy is to drop the newest. */
    DROPPED,
    /** Refused because the session is closed or closing (or is being disconnected as a slow consumer). */
    CLOSED,
    /** The target is not on this node; the message was handed to the broker for the node that holds it. */
    FORWARDED,
    /** No session with that id exists on this node or, as far as the broker knows, on any other. */
    NOT_FOUND;

    /** Whether the message was accepted for delivery. */
    public boolean isAccepted() {
        return this == QUEUED || this == FORWARDED;
    }
}
