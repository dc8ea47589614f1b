package io.wshub.testing;

import io.wshub.ErrorKind;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Session;
import io.wshub.protocol.RoomProtocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A hub on the in-memory transport with a manual clock and writes on the caller's thread, so
 * that everything a test triggers has happened when its call returns: deterministic and instant.
 * Its peers are {@link Peer}s (or bare {@link InMemoryClient}s); its time moves only with
 * {@link #advance}; its connections go through a {@link FaultyTransport} ({@link #network()}), so
 * a test can delay, drop, stall or cut any of them; closing it shuts the hub down.
 *
 * <pre>{@code
 * try (HubFixture server = HubFixture.of(HubOptions.defaults(), myHandler)) {
 *     Peer alice = server.connect("alice");
 *     alice.client().autoPong(false);        // a peer that stopped answering pings
 *     server.advance(Duration.ofMinutes(2)); // heartbeats and timeouts fire, no real waiting
 *     assertEquals(CloseStatus.HEARTBEAT_TIMEOUT, alice.client().awaitClose(HubFixture.WAIT));
 * }
 * }</pre>
 */
public final class HubFixture implements AutoCloseable {

    /** Upper bound on waiting for something that should already have happened. */
    public static final Duration WAIT = Peer.WAIT;

    private final ManualScheduler time;
    private final Hub hub;
    private final FaultyTransport network;
    private final InMemoryTransport transport;

    private HubFixture(ManualScheduler time, Hub hub) {
        this.time = time;
        this.hub = hub;
        this.network = new FaultyTransport(hub.acceptor(), time);
        this.transport = new InMemoryTransport(network);
    }

    /** A hub speaking the room protocol with the default options. */
    public static HubFixture rooms() {
        return with(b -> b.handler(RoomProtocol.router().build()));
    }

    /** A hub speaking the room protocol with these options. */
    public static HubFixture rooms(HubOptions options) {
        return with(b -> b.handler(RoomProtocol.router().build()).options(options));
    }

    /** A hub with these options and this handler. */
    public static HubFixture of(HubOptions options, HubHandler handler) {
        return with(b -> b.options(options).handler(handler));
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

    /**
     * The network between the transport and the hub: every connection goes through it, faultless
     * until the test sets a fault on one ({@code network().connection("alice").cut()}).
     */
    public FaultyTransport network() {
        return network;
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

    /** Connects as this id ({@code ?id=}), as a bare in-memory client. */
    public InMemoryClient client(String id) {
        return transport.connect(id);
    }

    /**
     * The open (or closing) session with this id.
     *
     * @throws AssertionError when the hub has none
     */
    public Session session(String id) {
        return hub.session(id).orElseThrow(() -> new AssertionError("no session " + id));
    }

    /** Moves the hub's clock, running the heartbeats, timeouts and timers due on the way. */
    public void advance(Duration d) {
        time.advance(d);
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
