package io.wshub.bench.loadtest;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Jetty WebSocket clients a scenario connects through: one, or one per loopback source
 * address when more connections are wanted than one address has ephemeral ports. Their threads
 * are daemons, so a client that is slow to stop never keeps the load tool's JVM up.
 */
final class JettyClients implements AutoCloseable {

    /** Long enough for any message a scenario sends (Jetty's default is 64 KiB; JETTY12.md). */
    static final long MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final long STOP_TIMEOUT_MS = 5_000; // closes were already sent; do not wait long for stragglers

    /**
     * Handshakes Jetty's client may queue per destination. Its default, 1 024, fails the rest at
     * once ("Max requests queued per destination exceeded"); the storm scenario starts thousands
     * of reconnects together and means them to wait their turn instead.
     */
    static final int MAX_QUEUED_HANDSHAKES = 65_536;

    /** 127.0.0.1 to 127.0.0.254: the last byte of a usable host address. */
    static final int MAX_SOURCE_ADDRESSES = 254;

    private final List<WebSocketClient> clients;
    private final int connectionsPerClient;

    private JettyClients(List<WebSocketClient> clients, int connectionsPerClient) {
        this.clients = clients;
        this.connectionsPerClient = connectionsPerClient;
    }

    /** One client with the system's choice of source address. */
    static JettyClients single(Duration idleTimeout) throws Exception {
        return single(idleTimeout, Scenarios.CONNECT_CONCURRENCY);
    }

    /**
     * One client with the system's choice of source address, with at most {@code handshakes}
     * upgrades in flight (Jetty's connections per destination; more wait in its queue).
     */
    static JettyClients single(Duration idleTimeout, int handshakes) throws Exception {
        return new JettyClients(List.of(start(null, idleTimeout, handshakes)), Integer.MAX_VALUE);
    }

    /**
     * One client per source address 127.0.0.1, 127.0.0.2, … , enough of them for
     * {@code connections} at {@code perAddress} each.
     */
    static JettyClients spread(int connections, int perAddress, Duration idleTimeout) throws Exception {
        return spread(connections, perAddress, idleTimeout, Scenarios.CONNECT_CONCURRENCY);
    }

    /** As {@link #spread(int, int, Duration)}, with at most {@code handshakes} upgrades in flight per address. */
    static JettyClients spread(int connections, int perAddress, Duration idleTimeout, int handshakes) throws Exception {
        int count = (connections + perAddress - 1) / perAddress;
        if (count > MAX_SOURCE_ADDRESSES) {
            throw new IllegalArgumentException(connections + " connections at " + perAddress
                    + " per address need more than " + MAX_SOURCE_ADDRESSES + " loopback addresses");
        }
        List<WebSocketClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (i + 1)});
                clients.add(start(new InetSocketAddress(source, 0), idleTimeout, handshakes));
            }
        } catch (Exception e) {
            new JettyClients(clients, perAddress).close();
            throw e;
        }
        return new JettyClients(clients, perAddress);
    }

    private static WebSocketClient start(InetSocketAddress bind, Duration idleTimeout, int handshakes) throws Exception {
        WebSocketClient client = new WebSocketClient();
        HttpClient http = client.getHttpClient();
        // Until start, the executor is the client's own thread pool, not yet running.
        if (http.getExecutor() instanceof QueuedThreadPool threads) {
            threads.setDaemon(true);
        }
        http.setScheduler(new ScheduledExecutorScheduler("loadtest-client-scheduler", true));
        http.setMaxConnectionsPerDestination(handshakes);
        http.setMaxRequestsQueuedPerDestination(MAX_QUEUED_HANDSHAKES);
        client.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        client.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        client.setIdleTimeout(idleTimeout);
        client.setStopTimeout(STOP_TIMEOUT_MS);
        if (bind != null) {
            client.setBindAddress(bind);
        }
        client.start();
        return client;
    }

    /** The client for the {@code index}-th connection. */
    WebSocketClient forConnection(int index) {
        return clients.get(Math.min(index / connectionsPerClient, clients.size() - 1));
    }

    /** How many source addresses are in use (1 for a single client). */
    int addresses() {
        return clients.size();
    }

    @Override
    public void close() {
        for (WebSocketClient client : clients) {
            try {
                client.stop();
            } catch (Exception e) {
                // Stopping is best effort at the end of a run; the process is about to end.
            }
        }
    }
}
