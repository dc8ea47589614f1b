package io.wshub;

/**
 * What a session does when a message arrives while its outbound queue is full (by message count or
 * by bytes). A message offered to an empty queue is always accepted, whatever its size, so that a
 * single large message can still make progress. While the session's writer waits for a flush thread
 * (no write of its own has started), the queue is full only at twice its limits: what it holds waits
 * for the node, not the peer, and the hub reads its publishers more slowly instead
 * (docs/overload.md).
 */
public enum OverflowPolicy {
    /** Refuse the new message ({@link SendResult#DROPPED}); what is queued stays. */
    DROP_NEWEST,
    /** Discard the oldest queued messages until the new one fits; the new one is queued. */
    DROP_OLDEST,
    /** Discard the queue and close the session with 1008 {@code Slow consumer}. */
    DISCONNECT
}
