package io.wshub.testing;

import io.wshub.Handshake;
import io.wshub.spi.Admission;
import io.wshub.spi.ConnectionAcceptor;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects in-process clients to a hub without sockets. Each {@link InMemoryClient} is the far
 * end of one connection: it sends frames to the hub, collects what the hub sends, and its reader
 * can be paused or slowed, so a test can make a slow consumer on demand.
 *
 * <p>Delivery is synchronous: the thread that sends (or demands) delivers, one callback at a
 * time per connection, in order. The transport keeps every promise of the
 * {@link io.wshub.spi.Connection} contract (it passes the transport test kit).
 */
public final class InMemoryTransport {

    /** Fake ephemeral ports 40000–65535, reused in turn: a long test opens more clients than that. */
    private static final int FIRST_PORT = 40_000;
    private static final int PORTS = 65_536 - FIRST_PORT;

    private final ConnectionAcceptor acceptor;
    private final AtomicInteger connections = new AtomicInteger();

    /** A transport feeding this acceptor, e.g. {@code hub.acceptor()}. */
    public InMemoryTransport(ConnectionAcceptor acceptor) {
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
    }

    /** Connects with an empty handshake (no headers, no query). */
    public InMemoryClient connect() {
        return connect(Handshake.builder().path("/ws").build());
    }

    /** Connects as the session with this requested id ({@code ?id=}). */
    public InMemoryClient connect(String sessionId) {
        return connect(Handshake.builder().path("/ws").queryParameter("id", sessionId).build());
    }

    /**
     * Connects with this handshake; a missing remote address is filled with a fake loopback one.
     *
     * @throws UpgradeRefusedException when the hub refuses the upgrade
     */
    public InMemoryClient connect(Handshake handshake) {
        Handshake h = handshake.remoteAddress() != null ? handshake
                : handshake.toBuilder().remoteAddress(nextFakeAddress()).build();
        Admission admission = acceptor.admit(h);
        if (admission instanceof Admission.Refused refused) {
            throw new UpgradeRefusedException(refused.status(), refused.reason(), refused.retryAfter());
        }
        Admission.Accepted accepted = (Admission.Accepted) admission;
        InMemoryClient client = new InMemoryClient(accepted.sessionId());
        InMemoryConnection connection = new InMemoryConnection(client, h.remoteAddress(), accepted.maxMessageBytes(), accepted.maxStreamBytes());
        client.attach(connection);
        connection.opened(accepted.open(connection));
        return client;
    }

    private InetSocketAddress nextFakeAddress() {
        return new InetSocketAddress("127.0.0.1", FIRST_PORT + Math.floorMod(connections.getAndIncrement(), PORTS));
    }
}
