package io.wshub.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Session;

/**
 * Handles one message type of the JSON envelope protocol. The message is a parsed JSON object
 * whose {@code type} is a non-empty string; the handler may change it (to relay it with
 * {@code from} set, say). Throw {@link ProtocolError} to answer the sender with an error frame;
 * any other exception is a server fault and closes the session with 1011.
 */
@FunctionalInterface
public interface MessageHandler {

    /** Handles a message from {@code session}. */
    void handle(Session session, ObjectNode message);
}
