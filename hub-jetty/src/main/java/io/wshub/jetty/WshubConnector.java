package io.wshub.jetty;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link ServerConnector} on whose connections a hub whose handler never blocks
 * ({@link io.wshub.HubHandler#neverBlocks()}) reads in place: each read, the hub's handling of what
 * it read, the application's callbacks and the writes they start run on the selector thread that
 * found the socket ready, with no hand-off to a pool thread. On this machine that halves the
 * server's CPU per echo round trip (docs/performance.md, "Reads in place"). On its plain sockets
 * every hub's frames are also written to the socket directly, one pooled buffer per send, instead
 * of through Jetty's per-frame pipeline (docs/performance.md, "Writes past Jetty's frame
 * pipeline"). Everything else on the connector (HTTP requests, upgrades, TLS connections, and the
 * reads of hubs whose handlers may block) is served as by a plain {@code ServerConnector}.
 *
 * <p>Use it where a {@code ServerConnector} would go:
 * <pre>{@code
 * Server server = new Server();
 * ServerConnector connector = new WshubConnector(server);
 * connector.setPort(8080);
 * server.addConnector(connector);
 * }</pre>
 *
 * <p>It has one selector per core by default (a plain connector has one per two cores), because
 * its selectors do the work the pool would.
 */
public class WshubConnector extends ServerConnector {

    /** A connector for HTTP/1.1 with one selector per core. */
    public WshubConnector(Server server) {
        this(server, -1, -1);
    }

    /** A connector with these connection factories (TLS, say) and one selector per core. */
    public WshubConnector(Server server, ConnectionFactory... factories) {
        this(server, -1, -1, factories);
    }

    /** A connector for HTTP/1.1 with these acceptors and selectors (-1: Jetty's default acceptors, one selector per core). */
    public WshubConnector(Server server, int acceptors, int selectors) {
        super(server, acceptors, selectorsOr(selectors));
    }

    /** A connector with these acceptors, selectors (-1: one per core) and connection factories. */
    public WshubConnector(Server server, int acceptors, int selectors, ConnectionFactory... factories) {
        super(server, acceptors, selectorsOr(selectors), factories);
    }

    /** The selectors asked for, or one per core when that is negative. */
    private static int selectorsOr(int asked) {
        return asked < 0 ? Runtime.getRuntime().availableProcessors() : asked;
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new InPlaceEndPoint(channel, selector, key, getScheduler(), getByteBufferPool());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }
}
