package io.wshub.spi;

/**
 * What an {@link InboundPipeline} reports to its listener's {@link ConnectionListener#onError}
 * when a message is larger than the connection's limit: the message is not delivered, and the
 * listener closes the connection with 1009.
 */
public final class MessageTooLargeException extends RuntimeException {

    /** How large the message was, or had grown when it was refused. */
    private final long bytes;
    /** The largest message the connection takes. */
    private final long limit;

    /**
     * @param bytes how large the message was, or had grown when it was refused
     * @param limit the largest message the connection takes
     */
    public MessageTooLargeException(long bytes, long limit) {
        super("message of " + bytes + " bytes or more, the limit is " + limit, null, false, false);
        this.bytes = bytes;
        this.limit = limit;
    }

    /** How large the message was, or had grown when it was refused. */
    public long bytes() {
        return bytes;
    }

    /** The largest message the connection takes. */
    public long limit() {
        return limit;
    }
}
