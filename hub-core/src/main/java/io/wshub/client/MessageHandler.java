package io.wshub.client;

import io.wshub.Message;

/**
 * Takes every inbound message of a {@link ReconnectingClient}, in the order they arrive, one at a
 * time. The next message is read from the network only after this returns, so a slow handler slows
 * the server down rather than filling memory; it must not block (hand heavy work to an executor).
 */
@FunctionalInterface
public interface MessageHandler {

    /** One whole message, text or binary. An exception thrown here is logged and otherwise ignored. */
    void onMessage(Message message);
}
