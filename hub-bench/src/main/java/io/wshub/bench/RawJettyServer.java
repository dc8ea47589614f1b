package io.wshub.bench;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.time.Duration;
import java.util.Objects;

/**
 * The floor wshub is measured against: Jetty 12's core WebSocket API used the way anyone would
 * write it by hand, with no hub in between. {@code /echo} returns every frame; {@code /broadcast}
 * relays every frame to every other open session by looping over them on the sender's thread;
 * {@code /health} reports connections and memory as JSON.
 *
 * <p>Naive on purpose (one {@code sendText} per recipient, Jetty's unbounded per-connection
 * queue, no write timeout), but correct: no payload buffer is shared between sends.
 *
 * <pre>{@code java -jar hub-bench/target/wshub-bench.jar raw-jetty --port 18080}</pre>
 */
public final class RawJettyServer implements AutoCloseable {

    /** The same largest message as wshub's default, so both accept the same load. */
    static final long MAX_MESSAGE_BYTES = 512 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final BroadcastGroup broadcastGroup;

    private RawJettyServer(Server server, ServerConnector connector, BroadcastGroup broadcastGroup) {
        this.server = server;
        this.connector = connector;
        this.broadcastGroup = broadcastGroup;
    }

    /**
     * Starts a server.
     *
     * @param host        the address to listen on
     * @param port        the port, 0 for an ephemeral one
     * @param idleTimeout how long a connection may stay silent before Jetty closes it
     */
    public static RawJettyServer start(String host, int port, Duration idleTimeout) throws Exception {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        BroadcastGroup group = new BroadcastGroup();
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
            container.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
            container.setIdleTimeout(idleTimeout);
            container.addMapping("/echo", (request, response, callback) -> new EchoEndpoint());
            container.addMapping("/broadcast", (request, response, callback) -> new BroadcastEndpoint(group));
        });
        upgrade.setHandler(new FloorHealthHandler(group));
        context.setHandler(upgrade);
        server.setHandler(context);
        server.start();
        return new RawJettyServer(server, connector, group);
    }

    /** The port it listens on (the ephemeral one when started with 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** How many sessions are connected to {@code /broadcast} now. */
    public int broadcastSessions() {
        return broadcastGroup.size();
    }

    /** Stops the server, dropping every connection. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Runs the server until the process is stopped. */
    public static void main(String[] args) throws Exception {
        ServerArguments arguments;
        try {
            arguments = ServerArguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("raw-jetty: " + e.getMessage());
            System.err.println(ServerArguments.USAGE);
            System.exit(2);
            return;
        }
        if (arguments.help()) {
            System.out.println(ServerArguments.USAGE);
            return;
        }
        RawJettyServer server = start(arguments.host(), arguments.port(), arguments.idleTimeout());
        server.server.setStopAtShutdown(true);
        System.err.printf("raw-jetty listening on %s:%d (pid %d)%n", arguments.host(), server.port(),
                ProcessHandle.current().pid());
        server.server.join();
    }
}
