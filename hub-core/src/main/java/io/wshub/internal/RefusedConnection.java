package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;

import java.nio.ByteBuffer;

/**
 * The listener of a connection that opened too late to become a session (its reservation expired,
 * or the hub is shutting down): it closes the connection at once and ignores what arrives.
 */
final class RefusedConnection implements ConnectionListener {

    static final CloseStatus HANDSHAKE_TIMEOUT = new CloseStatus(1013, "Handshake timeout");

    private final Connection connection;

    RefusedConnection(Connection connection, CloseStatus status) {
        this.connection = connection;
        connection.close(status);
        connection.demand(); // read the peer's close frame
    }

    @Override
    public void onText(String text) {
        connection.demand();
    }

    @Override
    public void onBinary(ByteBuffer data) {
        connection.demand();
    }

    @Override
    public void onPong(ByteBuffer payload) {
    }

    @Override
    public void onError(Throwable cause) {
    }

    @Override
    public void onClose(CloseStatus status) {
    }
}
