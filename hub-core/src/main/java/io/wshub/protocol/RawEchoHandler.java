package io.wshub.protocol;

import io.wshub.Message;
import io.wshub.HubHandler;
import io.wshub.Session;

import java.nio.ByteBuffer;

/** Returns every frame, text or binary, unchanged to its sender (the echo server's {@code /echo}). */
public final class RawEchoHandler implements HubHandler {

    /** It only sends, which never blocks. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public void onText(Session session, String text) {
        session.send(Message.text(text));
    }

    @Override
    public void onBinary(Session session, ByteBuffer data) {
        session.send(Message.binary(data)); // copies: the buffer is only valid during this call
    }
}
