package io.wshub.protocol;

import io.wshub.Message;
import io.wshub.HubHandler;
import io.wshub.Session;

import java.nio.ByteBuffer;

/**
 * Relays every frame, unchanged, to every other connected client (the broadcast server's
 * {@code /broadcast}). The frame is encoded once and shared by every recipient.
 */
public final class RawRelayHandler implements HubHandler {

    /** It only sends, which never blocks. */
    @Override
    public boolean neverBlocks() {
        return true;
    }

    @Override
    public void onText(Session session, String text) {
        session.hub().broadcast(Message.text(text), session);
    }

    @Override
    public void onBinary(Session session, ByteBuffer data) {
        session.hub().broadcast(Message.binary(data), session);
    }
}
