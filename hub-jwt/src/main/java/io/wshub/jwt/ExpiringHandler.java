package io.wshub.jwt;

import io.wshub.Chunk;
import io.wshub.CloseStatus;
import io.wshub.Departure;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.Session;

import java.nio.ByteBuffer;

/**
 * A handler whose sessions are closed with {@link JwtSessions#TOKEN_EXPIRED} when their token
 * expires, every event going on to the handler it wraps: for protocols that have no
 * {@code refresh} message (a raw relay, say). See {@link JwtSessions#closeAtExpiry}.
 */
final class ExpiringHandler implements HubHandler {

    private final HubHandler handler;
    private final JwtSessions sessions;

    ExpiringHandler(HubHandler handler, JwtSessions sessions) {
        this.handler = handler;
        this.sessions = sessions;
    }

    @Override
    public boolean neverBlocks() {
        return handler.neverBlocks(); // its own work is a timer's, off the callbacks
    }

    @Override
    public boolean streamsMessages() {
        return handler.streamsMessages();
    }

    @Override
    public void onChunk(Session session, Chunk chunk) {
        handler.onChunk(session, chunk);
    }

    @Override
    public void onDeparture(Hub hub, Departure departure) {
        handler.onDeparture(hub, departure);
    }

    @Override
    public void onOpen(Session session) {
        sessions.opened(session);
        handler.onOpen(session);
    }

    @Override
    public void onText(Session session, String text) {
        handler.onText(session, text);
    }

    @Override
    public void onBinary(Session session, ByteBuffer data) {
        handler.onBinary(session, data);
    }

    @Override
    public void onRateLimited(Session session) {
        handler.onRateLimited(session);
    }

    @Override
    public void onRateLimited(Session session, String text) {
        handler.onRateLimited(session, text);
    }

    @Override
    public void onShutdown(Session session) {
        handler.onShutdown(session);
    }

    @Override
    public void onWritabilityChanged(Session session, boolean writable) {
        handler.onWritabilityChanged(session, writable);
    }

    @Override
    public void onHeld(Session session, CloseStatus status) {
        handler.onHeld(session, status);
    }

    @Override
    public void onResumed(Session session) {
        sessions.resumed(session);
        handler.onResumed(session);
    }

    @Override
    public void onClose(Session session, CloseStatus status) {
        sessions.closed(session);
        handler.onClose(session, status);
    }
}
