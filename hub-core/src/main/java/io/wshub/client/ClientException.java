package io.wshub.client;

import java.io.IOException;

/**
 * Why something a {@link ReconnectingClient} was asked to do did not happen. Futures returned by
 * the client fail with a subclass of this (or with a {@link java.util.concurrent.TimeoutException}
 * for a request's reply); the subclass says what happened.
 */
public class ClientException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An exception with this message and cause (which may be null). */
    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
