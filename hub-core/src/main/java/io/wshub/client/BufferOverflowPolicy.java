package io.wshub.client;

/**
 * What a {@link ReconnectingClient} does with a message sent while its send buffer is full (by
 * message count or by bytes). The buffer holds every message not yet written: those sent while
 * offline and, while open, those waiting for the one write in flight.
 */
public enum BufferOverflowPolicy {
    /** Refuse the new message: its future fails at once with {@link MessageDroppedException}. */
    DROP_NEWEST,
    /**
     * Discard the oldest buffered messages until the new one fits; their futures fail with
     * {@link MessageDroppedException}.
     */
    DROP_OLDEST
}
