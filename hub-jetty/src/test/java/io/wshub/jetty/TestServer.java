package io.wshub.jetty;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Jetty server on an ephemeral loopback port for tests. It counts the writes its connections
 * make, so a test can tell one write of several frames from several writes.
 */
public final class TestServer implements AutoCloseable {

    private final Server server = new Server();
    private final LongAdder writes = new LongAdder();

    /** Starts a server on 127.0.0.1 and a free port, with the handler {@code configure} returns. */
    public static TestServer start(java.util.function.Function<Server, Handler> configure) throws Exception {
        TestServer t = new TestServer();
        t.server.addConnector(t.new CountingConnector());
        t.server.setHandler(configure.apply(t.server));
        t.server.start();
        return t;
    }

    public Server server() {
        return server;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** {@code ws://127.0.0.1:PORT} followed by the path (and query). */
    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    /** {@code http://127.0.0.1:PORT} followed by the path. */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Writes to the network since the server started, over all connections. */
    public long writes() {
        return writes.sum();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** A {@link WshubConnector}, so a hub whose handler never blocks reads in place here too. */
    private final class CountingConnector extends WshubConnector {
        CountingConnector() {
            super(server);
            setHost("127.0.0.1");
            setPort(0);
        }

        @Override
        protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
            SocketChannelEndPoint endPoint = new InPlaceEndPoint(channel, selector, key, getScheduler(), getByteBufferPool()) {
                @Override
                void toSocket(Callback completion, ByteBuffer[] buffers) {
                    writes.increment();
                    super.toSocket(completion, buffers);
                }
            };
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
        }
    }
}
