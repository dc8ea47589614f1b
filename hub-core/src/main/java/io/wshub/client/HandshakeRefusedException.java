package io.wshub.client;

import java.net.URI;

/**
 * The server answered the WebSocket upgrade with an HTTP status instead of 101 — 401 or 403 when it
 * does not accept the credentials, 409 for a taken session id, 503 when it is full. A
 * {@link io.wshub.spi.ClientTransport} fails its connect future with this; the client's
 * {@link RetryPolicy} decides by the status whether to try again.
 */
public final class HandshakeRefusedException extends ConnectFailedException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    /**
     * The server at {@code url} refused the upgrade with {@code status}.
     *
     * @param reason the response's reason or body, for the message; may be empty
     */
    public HandshakeRefusedException(URI url, int status, String reason) {
        super(url, "handshake with " + url + " refused: HTTP " + status
                + (reason == null || reason.isEmpty() ? "" : " " + reason), null);
        this.status = status;
        this.reason = reason;
    }

    /** The same refusal, told of {@code other}: the address without what the attempt added to it. */
    HandshakeRefusedException withUrl(URI other) {
        HandshakeRefusedException copy = new HandshakeRefusedException(other, status, reason);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** The HTTP status the server answered with. */
    public int status() {
        return status;
    }
}
