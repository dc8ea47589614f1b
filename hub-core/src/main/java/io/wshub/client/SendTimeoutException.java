package io.wshub.client;

/**
 * A message was not written within {@link ClientOptions#sendTimeout()} of its send — buffered
 * through an outage that lasted longer, or stuck in a write (then the connection is dropped and
 * replaced too). A message still buffered when this happens is never written.
 */
public final class SendTimeoutException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** A send timed out; the message says how long it waited. */
    public SendTimeoutException(String message) {
        super(message, null);
    }
}
