package io.wshub.testing;

import io.wshub.Handshake;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.Scheduler;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A network that fails on demand, between a transport and a hub: it wraps the hub's acceptor, and
 * every connection the transport opens through it is a {@link FaultyConnection}, whose writes the
 * test can delay, drop or stall, and which it can cut. So a test sees what its handler (or the
 * hub's timeouts, or a client) does when the network misbehaves, without sockets and without
 * waiting for real time.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * Hub hub = Hub.builder().handler(myHandler).scheduler(time).flushExecutor(Runnable::run).build();
 * FaultyTransport network = new FaultyTransport(hub.acceptor(), time);
 * InMemoryClient alice = new InMemoryTransport(network).connect("alice");
 * network.connection("alice").stallWrites();      // alice's writes stop completing
 * hub.sendTo("alice", Message.text("hello"));
 * time.advance(hub.options().writeTimeout().plusSeconds(1));
 * assertEquals(CloseStatus.ABNORMAL, alice.awaitClose(Duration.ofSeconds(1))); // dropped as a slow consumer
 * }</pre>
 *
 * <p>Faults start when the test sets them, on a connection that is already open (the session's
 * first frames, sent when it opens, go through). Delays run on the scheduler given here: the hub's
 * {@link ManualScheduler} in a deterministic test.
 */
public final class FaultyTransport implements ConnectionAcceptor {

    private final ConnectionAcceptor acceptor;
    private final Scheduler scheduler;
    private final List<FaultyConnection> connections = new CopyOnWriteArrayList<>();
    private final Map<String, FaultyConnection> bySession = new ConcurrentHashMap<>();

    /**
     * A faulty network in front of this acceptor.
     *
     * @param acceptor  where the upgrades go on to, e.g. {@code hub.acceptor()}
     * @param scheduler the clock of {@link FaultyConnection#delayWrites delayed writes}
     */
    public FaultyTransport(ConnectionAcceptor acceptor, Scheduler scheduler) {
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public Admission admit(Handshake handshake) {
        Admission admission = acceptor.admit(handshake);
        if (!(admission instanceof Admission.Accepted accepted)) {
            return admission;
        }
        return new Admission.Accepted() {
            @Override
            public String sessionId() {
                return accepted.sessionId();
            }

            @Override
            public long maxMessageBytes() {
                return accepted.maxMessageBytes();
            }

            @Override
            public long maxStreamBytes() {
                return accepted.maxStreamBytes();
            }

            @Override
            public ConnectionListener open(Connection connection) {
                FaultyConnection faulty = new FaultyConnection(accepted.sessionId(), connection, scheduler);
                connections.add(faulty);
                bySession.put(accepted.sessionId(), faulty);
                return faulty.listen(accepted.open(faulty));
            }

            @Override
            public void abandon() {
                accepted.abandon();
            }
        };
    }

    /**
     * The latest connection of the session with this id.
     *
     * @throws AssertionError when no such session has connected
     */
    public FaultyConnection connection(String sessionId) {
        FaultyConnection c = bySession.get(sessionId);
        if (c == null) {
            throw new AssertionError("no connection of session " + sessionId);
        }
        return c;
    }

    /** Every connection opened so far, in order, ended ones too. */
    public List<FaultyConnection> connections() {
        return List.copyOf(connections);
    }
}
