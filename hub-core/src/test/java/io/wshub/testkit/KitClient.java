package io.wshub.testkit;

import io.wshub.CloseStatus;

import java.time.Duration;

/** The far end of a connection, as a WebSocket client of the transport sees it. */
public interface KitClient extends AutoCloseable {

    /** A message the client received. */
    record Received(String text, byte[] binary) {
        boolean isText() {
            return text != null;
        }
    }

    void sendText(String text) throws Exception;

    void sendBinary(byte[] data) throws Exception;

    /** The next message received, or an AssertionError after the timeout. */
    Received next(Duration timeout) throws Exception;

    /** Starts a close handshake from the client. */
    void close(int code, String reason) throws Exception;

    /** How the connection ended as the client saw it, or an AssertionError after the timeout. */
    CloseStatus awaitClose(Duration timeout) throws Exception;

    @Override
    void close() throws Exception;
}
