package io.wshub.spi;

/**
 * What an {@link InboundPipeline} reports to the listener ({@link ConnectionListener#onError}) when
 * a text message taken as a stream is not valid UTF-8: the hub closes the connection with 1007.
 */
public final class InvalidPayloadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong */
    public InvalidPayloadException(String message) {
        super(message, null, false, false);
    }
}
