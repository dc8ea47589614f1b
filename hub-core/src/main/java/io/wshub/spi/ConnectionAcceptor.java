package io.wshub.spi;

import io.wshub.Handshake;

/**
 * Where a server transport takes an upgrade request before any WebSocket frame: the hub finds the
 * client's address (behind trusted proxies), checks the limits of that address and the origin,
 * authenticates, applies the session id rules and the connection limit, and answers with an
 * {@link Admission}. The transport gives the TCP peer's address as the handshake's remote
 * address. Called on the transport's upgrade thread. Everything it does is local and quick except
 * one call: with a broker that spans several nodes, the id's cluster-wide claim
 * ({@link Broker#claimSessionId}) waits for the broker's answer, bounded by the broker's own
 * timeout (a Redis command timeout); while the broker is known to be down it answers at once.
 * A transport whose upgrade threads must never wait should call it from a thread it can spare.
 */
@FunctionalInterface
public interface ConnectionAcceptor {

    /** Decides on one upgrade request. */
    Admission admit(Handshake handshake);
}
