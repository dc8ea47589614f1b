package io.wshub;

import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryTransport;
import io.wshub.testing.ManualScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A hub on the in-memory transport with a manual clock and writes on the caller's thread, so
 * that everything a test triggers has happened when its call returns: deterministic and instant.
 */
public final class HubFixture implements AutoCloseable {

    private final ManualScheduler time;
    private final Hub hub;
    private final InMemoryTransport transport;

    private HubFixture(ManualScheduler time, Hub hub) {
        this.time = time;
        this.hub = hub;
        this.transport = new InMemoryTransport(hub.acceptor());
    }

    /** A hub speaking the room protocol with the default options. */
    public static HubFixture rooms() {
        return with(b -> b.handler(RoomProtocol.router().build()));
    }

    /** A hub speaking the room protocol with these options. */
    public static HubFixture rooms(HubOptions options) {
        return with(b -> b.handler(RoomProtocol.router().build()).options(options));
    }

    /** A hub from a builder already given the manual clock and the caller-thread flush executor. */
    public static HubFixture with(UnaryOperator<Hub.Builder> configure) {
        ManualScheduler time = new ManualScheduler();
        return new HubFixture(time, configure.apply(Hub.builder().scheduler(time).flushExecutor(Runnable::run)).build());
    }

    /** The hub under test. */
    public Hub hub() {
        return hub;
    }

    /** The hub's clock: it moves only when the test advances it. */
    public ManualScheduler time() {
        return time;
    }

    /** The transport its peers connect through. */
    public InMemoryTransport transport() {
        return transport;
    }

    /** Connects as this id ({@code ?id=}); nothing it received is taken yet. */
    public Peer connect(String id) {
        return new Peer(transport.connect(id));
    }

    /** Connects without asking for an id. */
    public Peer connect() {
        return new Peer(transport.connect());
    }

    /**
     * Connects room-protocol peers with these ids, checks that each got its welcome first, and
     * discards the presence news they heard of one another: they start with empty inboxes.
     */
    public List<Peer> settledPeers(String... ids) {
        List<Peer> peers = new ArrayList<>();
        for (String id : ids) {
            Peer p = connect(id);
            p.expect(Peer.welcome(id));
            peers.add(p);
        }
        peers.forEach(Peer::discardReceived);
        return peers;
    }

    /** How many errors of this kind the hub has counted. */
    public long errors(ErrorKind kind) {
        return hub.stats().errors(kind);
    }

    /** Shuts the hub down, moving the clock past any grace period so that it finishes. */
    @Override
    public void close() {
        hub.shutdown(Duration.ZERO);
        // Past a grace period already running and the settle time for dropped connections.
        time.advance(hub.options().shutdownGrace().plusSeconds(5));
    }
}
