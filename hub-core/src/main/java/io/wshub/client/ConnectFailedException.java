package io.wshub.client;

import java.net.URI;
import java.util.Objects;

/** A connection attempt failed: the server was unreachable, the handshake timed out or was refused. */
public class ConnectFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** The address the attempt was for. */
    private final URI url;

    /** The attempt to reach {@code url} failed; the message says how. */
    public ConnectFailedException(URI url, String message, Throwable cause) {
        super(message, cause);
        this.url = Objects.requireNonNull(url, "url");
    }

    /** The address the attempt was for. */
    public URI url() {
        return url;
    }
}
