package io.wshub.testkit;

import io.wshub.Handshake;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.ConnectionListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ConnectionAcceptor} in place of a hub, for testing a server transport: it accepts every
 * upgrade (or refuses them all with a status the test sets), records the handshakes, and gives
 * each connection a {@link RecordingListener}, through which the test drives the connection
 * ({@link RecordingListener#connection()}) and reads what the transport reported.
 * {@link TransportTestKit} runs on it; a transport's own tests can too.
 *
 * <pre>{@code
 * RecordingAcceptor acceptor = new RecordingAcceptor();
 * InMemoryClient client = new InMemoryTransport(acceptor).connect();
 * client.sendText("hello");
 * assertEquals("hello", acceptor.listeners().get(0).messages().get(0).text());
 * }</pre>
 */
public final class RecordingAcceptor implements ConnectionAcceptor {

    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<RecordingListener<Connection>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int refuseWith;
    private volatile boolean autoDemand = true;
    private volatile long maxMessageBytes = 512 * 1024;
    private volatile long maxStreamBytes;

    /** Refuses the next upgrades with this HTTP status (0 to accept again). */
    public void refuseWith(int status) {
        refuseWith = status;
    }

    /** Whether new connections' listeners demand after each message (else only when told). */
    public void autoDemand(boolean on) {
        autoDemand = on;
    }

    /** The largest inbound message new connections take (512 KiB, the hub's default, until set). */
    public void maxMessageBytes(long bytes) {
        maxMessageBytes = bytes;
    }

    /** The largest message new connections take as a stream of chunks; 0 (until set) takes messages whole. */
    public void maxStreamBytes(long bytes) {
        maxStreamBytes = bytes;
    }

    /** The handshakes of every upgrade so far, refused ones too, in order. */
    public List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    /** The listeners of the connections opened so far, in order. */
    public List<RecordingListener<Connection>> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public Admission admit(Handshake handshake) {
        handshakes.add(handshake);
        int status = refuseWith;
        if (status != 0) {
            return new Admission.Refused(status, "refused by the test");
        }
        String id = "kit-" + ids.incrementAndGet();
        boolean demand = autoDemand;
        long limit = maxMessageBytes;
        long streamLimit = maxStreamBytes;
        return new Admission.Accepted() {
            @Override
            public String sessionId() {
                return id;
            }

            @Override
            public long maxMessageBytes() {
                return limit;
            }

            @Override
            public long maxStreamBytes() {
                return streamLimit;
            }

            @Override
            public ConnectionListener open(Connection connection) {
                RecordingListener<Connection> l = RecordingListener.onServer(connection, demand);
                listeners.add(l);
                if (demand) {
                    connection.demand();
                }
                return l;
            }

            @Override
            public void abandon() {
            }
        };
    }
}
