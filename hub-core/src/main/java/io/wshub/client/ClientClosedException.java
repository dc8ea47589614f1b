package io.wshub.client;

/**
 * The client is closed: by {@link ReconnectingClient#close()}, or because it gave up after a
 * failure its {@link RetryPolicy} does not retry (then that failure is the cause). Every send still
 * waiting fails with this, and so does every later send.
 */
public final class ClientClosedException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** The client is closed; {@code cause} is the failure it gave up on, or null after {@code close()}. */
    public ClientClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
