package io.wshub.testkit;

import io.wshub.CloseStatus;

import java.time.Duration;

/**
 * The far end of a connection to a server transport under test, as a WebSocket client of it sees
 * it: a transport's test implements it over whatever client reaches that transport (the in-memory
 * client, a Jetty WebSocket client, ...) and returns it from {@link KitServer#connect}.
 */
public interface KitClient extends AutoCloseable {

    /**
     * A message the client received.
     *
     * @param text   a text message's text, or null
     * @param binary a binary message's bytes, or null
     */
    record Received(String text, byte[] binary) {
        /** Whether it is a text message. */
        public boolean isText() {
            return text != null;
        }
    }

    /** Sends a text message to the server. */
    void sendText(String text) throws Exception;

    /** Sends a binary message to the server. */
    void sendBinary(byte[] data) throws Exception;

    /** The next message received, or an AssertionError after the timeout. */
    Received next(Duration timeout) throws Exception;

    /** Starts a close handshake from the client. */
    void close(int code, String reason) throws Exception;

    /** How the connection ended as the client saw it, or an AssertionError after the timeout. */
    CloseStatus awaitClose(Duration timeout) throws Exception;

    /** Closes the connection, or drops it; harmless when it has ended. */
    @Override
    void close() throws Exception;
}
