package io.wshub.spi;

import io.wshub.Handshake;

/**
 * Where a server transport takes an upgrade request before any WebSocket frame: the hub checks
 * the origin, authenticates, applies the session id rules and the connection limit, and answers
 * with an {@link Admission}. Called on the transport's upgrade thread; it does not block.
 */
@FunctionalInterface
public interface ConnectionAcceptor {

    /** Decides on one upgrade request. */
    Admission admit(Handshake handshake);
}
