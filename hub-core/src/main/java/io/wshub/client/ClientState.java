package io.wshub.client;

/**
 * Where a {@link ReconnectingClient} is in its life. It moves
 * {@code CONNECTING → OPEN → RECONNECTING → OPEN → … → CLOSED}; {@code CLOSED} is final.
 */
public enum ClientState {
    /** No connection has been open yet: the first attempts, and the waits between them. */
    CONNECTING,
    /**
     * A connection is up and its state is restored: sends are written as they come, in order,
     * after everything buffered before.
     */
    OPEN,
    /** A connection was lost: attempts to get a new one, and the waits between them. Sends are buffered. */
    RECONNECTING,
    /** Closed by {@link ReconnectingClient#close()} or given up after a failure that is not retried. */
    CLOSED
}
