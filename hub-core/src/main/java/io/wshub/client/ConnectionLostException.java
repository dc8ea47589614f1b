package io.wshub.client;

import io.wshub.CloseStatus;

import java.net.URI;
import java.util.Objects;

/**
 * An open connection ended without the client's asking: the server closed it (its close status
 * says why), the network dropped it (1006), or the peer went silent past the heartbeat timeout
 * ({@link CloseStatus#HEARTBEAT_TIMEOUT}). Also what a send's future fails with when the connection
 * broke while the message was being written: such a message may or may not have arrived.
 */
public final class ConnectionLostException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** The address of the lost connection. */
    private final URI url;
    /** How it ended. */
    private final CloseStatus status;

    /** The connection to {@code url} ended with {@code status}; {@code cause} may be null. */
    public ConnectionLostException(URI url, CloseStatus status, String message, Throwable cause) {
        super(message, cause);
        this.url = Objects.requireNonNull(url, "url");
        this.status = Objects.requireNonNull(status, "status");
    }

    /** The connection to {@code url} ended with {@code status}, as the server or the network told it. */
    static ConnectionLostException closed(URI url, CloseStatus status, Throwable cause) {
        return new ConnectionLostException(url, status, "connection to " + url + " closed: " + status, cause);
    }

    /** The address of the lost connection. */
    public URI url() {
        return url;
    }

    /** How it ended: the peer's close status, 1006 for a drop, 1001 for a heartbeat timeout. */
    public CloseStatus status() {
        return status;
    }
}
