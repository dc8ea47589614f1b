package io.wshub.client;

/**
 * A message was discarded by the {@link BufferOverflowPolicy} because the send buffer was full; it
 * was never written.
 */
public final class MessageDroppedException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** A message was dropped; the message says which and why. */
    public MessageDroppedException(String message) {
        super(message, null);
    }
}
