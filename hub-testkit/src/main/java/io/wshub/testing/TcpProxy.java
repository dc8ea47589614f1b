package io.wshub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, as a load balancer or a sidecar would be, for tests
 * over real sockets: it can cut every connection it carries (a reset on both sides, no close frame:
 * what a crashed proxy, a NAT timeout or a dead link looks like to client and server), and stop and
 * start again on the same port (a restart of the proxy: while stopped, connects are refused). It
 * carries any TCP, so a page and its WebSocket can both be served through it. Thread-safe.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.to(8080)) {       // the server listens on 8080
 *     java.net.URI url = proxy.uri("ws", "/ws");    // connect the client here
 *     proxy.cut();                                  // both sides see their connection reset
 *     proxy.stop();                                 // refused until
 *     proxy.start();                                // ... it listens again, on the same port
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>(); // added and cut under "this"
    private volatile ServerSocket listener;
    private int port; // guarded by "this"; 0 until the first start, then the same at every start

    private TcpProxy(int targetPort) {
        this.targetPort = targetPort;
    }

    /** A started proxy to the server on this local port. */
    public static TcpProxy to(int targetPort) throws IOException {
        return new TcpProxy(targetPort).start();
    }

    /** Listens (again, on the same port after a stop). */
    public synchronized TcpProxy start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        port = s.getLocalPort();
        listener = s;
        daemon("proxy-accept", () -> accept(s));
        return this;
    }

    /** The port it listens on. */
    public synchronized int port() {
        return port;
    }

    /** Its address with this scheme and path (and query), e.g. {@code uri("ws", "/ws?id=ada")}: {@code ws://127.0.0.1:PORT/ws?id=ada}. */
    public URI uri(String scheme, String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + port() + pathAndQuery);
    }

    /** Resets every connection it carries, on both sides. */
    public synchronized void cut() {
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    /** Stops listening and cuts everything: the proxy is down until {@link #start()}. */
    public synchronized void stop() throws IOException {
        listener.close();
        cut();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (this) {
                    if (s.isClosed()) { // stopped while this one was being accepted: it never gets through
                        reset(client);
                        reset(server);
                        return;
                    }
                    sockets.add(client);
                    sockets.add(server);
                }
                daemon("proxy-up", () -> copy(client, server));
                daemon("proxy-down", () -> copy(server, client));
            } catch (IOException e) {
                return; // stopped
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput(); // an orderly end passes through as one
        } catch (IOException e) {
            reset(to);
            reset(from);
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // a close that sends RST: no FIN, no close frame
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    /** Stops it for good. */
    @Override
    public synchronized void close() throws IOException {
        if (listener != null) {
            stop();
        }
    }
}
