package io.wshub.spi;

/**
 * The refs a session's messages were handled with, and the seq each one's ack carried, so that a
 * message sent again with a ref already handled is acknowledged again instead of handled again. It
 * keeps the latest refs up to its window and forgets the oldest. Refs are opaque keys (the room
 * protocol's tell a number from a string). Called from the session's inbound thread; thread-safe all
 * the same, as a session taken over by a new connection may still finish a message of its old one.
 */
public interface RefLedger {

    /** What {@link #lookup} answers for a ref that was not handled (or was forgotten). */
    long NOT_HANDLED = -1;

    /** The seq the ref's ack carried, 0 when it carried none, or {@link #NOT_HANDLED}. */
    long lookup(String ref);

    /** Remembers that the message with this ref was handled, its ack carrying {@code seq} (0: none). */
    void remember(String ref, long seq);

    /** How many refs it remembers now. */
    int size();

    /** The session ended: forget everything. */
    void discard();
}
