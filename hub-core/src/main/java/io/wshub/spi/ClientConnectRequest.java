package io.wshub.spi;

import io.wshub.internal.Checks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one connection attempt asks of a {@link ClientTransport}.
 *
 * @param uri              the {@code ws://} or {@code wss://} address
 * @param headers          request headers for the upgrade, computed for this attempt (a fresh
 *                         token, for instance); names map to one or more values
 * @param handshakeTimeout how long the transport may spend connecting and upgrading; the client
 *                         also enforces it by cancelling the attempt
 * @param maxMessageBytes  the largest inbound message to accept; a larger one closes with 1009
 * @param idleTimeout      how long the transport may keep a connection that carries no frame at
 *                         all before dropping it; a backstop behind the client's own heartbeat
 * @param maxStreamBytes   0 to deliver inbound messages whole; positive to deliver every data frame
 *                         as a chunk ({@link ConnectionListener#onChunk}), one per
 *                         {@link ClientConnection#demand()}, with {@code maxMessageBytes} the largest
 *                         chunk and this the largest message, all its chunks together: build the
 *                         {@link InboundPipeline} with it
 */
public record ClientConnectRequest(URI uri, Map<String, List<String>> headers, Duration handshakeTimeout,
                                   long maxMessageBytes, Duration idleTimeout, long maxStreamBytes) {

    /** A request for whole messages ({@code maxStreamBytes} 0). */
    public ClientConnectRequest(URI uri, Map<String, List<String>> headers, Duration handshakeTimeout,
                                long maxMessageBytes, Duration idleTimeout) {
        this(uri, headers, handshakeTimeout, maxMessageBytes, idleTimeout, 0);
    }

    /** Checks for nulls and copies the headers, so that the request is immutable. */
    public ClientConnectRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        Checks.positive("maxMessageBytes", maxMessageBytes);
        if (maxStreamBytes < 0) {
            throw new IllegalArgumentException("maxStreamBytes must be >= 0 (0: whole messages), was " + maxStreamBytes);
        }
    }

    /** Whether inbound messages are taken as streams of chunks. */
    public boolean streams() {
        return maxStreamBytes > 0;
    }
}
