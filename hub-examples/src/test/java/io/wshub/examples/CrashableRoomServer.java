package io.wshub.examples;

import io.wshub.Hub;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The examples' room server in this JVM, started as {@code wshub-examples room} starts it
 * ({@link HubServer#start} with the default {@link Settings}, on 127.0.0.1), that can also be
 * killed the way a crash kills it: every TCP connection closed without a close frame or a
 * shutdown notice.
 */
final class CrashableRoomServer implements AutoCloseable {

    /** Cleanup's bound on a stop, for a server that may be deadlocked: its grace, the hub's slack, Jetty's stop. */
    private static final Duration CLEANUP_STOP_BOUND = Duration.ofSeconds(15);
    private static final Pattern HUB_THREAD = Pattern.compile("(wshub-\\d+-)(timer|flush-\\d+)");

    private final String name;
    private final HubServer server;
    private final int port;
    private final Set<String> threadPrefixes;
    private CompletableFuture<Void> stop; // the one stop, once begun
    private volatile long stopBeganNanos;

    private CrashableRoomServer(String name, HubServer server, Set<String> threadPrefixes) {
        this.name = name;
        this.server = server;
        this.port = server.port();
        this.threadPrefixes = threadPrefixes;
    }

    /**
     * Starts a room server on this port; 0 picks a free one.
     *
     * @throws ConfigException when the port is taken (Jetty binds with SO_REUSEADDR, so a port
     *                         the killed server released is free at once)
     */
    static CrashableRoomServer start(String name, int port) throws Exception {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        values.put(Setting.HOST, "127.0.0.1");
        values.put(Setting.PORT, port);
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        HubServer server = HubServer.start(ExampleServer.ROOM, Settings.with(values));
        Set<String> prefixes = new TreeSet<>();
        prefixes.add(((QueuedThreadPool) server.jetty().getThreadPool()).getName() + "-");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            Matcher hubThread = HUB_THREAD.matcher(t.getName());
            if (!before.contains(t) && hubThread.matches()) {
                prefixes.add(hubThread.group(1)); // the hub's timer and flush lanes, wshub-N-
            }
        }
        return new CrashableRoomServer(name, server, Set.copyOf(prefixes));
    }

    /** "the killed server", say: for reports. */
    String name() {
        return name;
    }

    /** Whether the thread of this name is one of this server's (Jetty's pool, the hub's timer and flush lanes). */
    boolean ownsThread(String threadName) {
        return threadPrefixes.stream().anyMatch(threadName::startsWith);
    }

    /** Its threads' name prefixes, e.g. {@code [qtp123-, wshub-1-]}. */
    Set<String> threadPrefixes() {
        return threadPrefixes;
    }

    int port() {
        return port;
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    URI health() {
        return URI.create("http://127.0.0.1:" + port() + HubServer.HEALTH_PATH);
    }

    /** The room hub on {@code /ws}. */
    Hub hub() {
        return server.hubs().get("/ws");
    }

    /** The grace period its graceful shutdown gives the clients' queues. */
    Duration shutdownGrace() {
        return hub().options().shutdownGrace();
    }

    /**
     * Kills the server as a crash would: the port is released and no new connection accepted,
     * every connected socket ends (no close frame, no {@code server_shutdown}). Returns then, the
     * port free for a new server; what is left of this one (its hub, which should have no session
     * left, and Jetty's threads) stops in the background: see {@link #awaitStopped}.
     *
     * <p>A process that dies loses all its sockets at the same instant. Here they end one after
     * the other, and the hub still runs meanwhile: each closed session tells the others it left,
     * and a queue overflowing with those could have the hub close (with a close frame) a client
     * whose socket is still open. So every socket's output is shut first (a FIN, as the kernel
     * sends for a dead process): from then on nothing the dying hub writes reaches any client.
     * Only then are the sockets closed, which the hub hears about.
     */
    void crash() {
        ServerConnector connector = (ServerConnector) server.jetty().getConnectors()[0];
        connector.close(); // the listening socket: the port is free for the restarted server
        List<EndPoint> connected = List.copyOf(connector.getConnectedEndPoints());
        for (EndPoint endPoint : connected) {
            endPoint.shutdownOutput();
        }
        for (EndPoint endPoint : connected) {
            endPoint.close();
        }
        beginStop();
    }

    /**
     * Waits for the stop begun by {@link #crash} or {@link #stopGracefully}.
     *
     * @return how long the stop took, or null if it is not over within {@code bound} of its start
     */
    Duration awaitStopped(Duration bound) throws Exception {
        CompletableFuture<Void> s = beginStop();
        long left = stopBeganNanos + bound.toNanos() - System.nanoTime();
        try {
            s.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        }
        return Duration.ofNanos(System.nanoTime() - stopBeganNanos);
    }

    /**
     * Stops the server as SIGTERM does ({@link HubServer#close}: every hub shuts down gracefully
     * within its grace period, then Jetty stops).
     *
     * @return how long it took, or null if it took longer than {@code bound}
     */
    Duration stopGracefully(Duration bound) throws Exception {
        beginStop();
        return awaitStopped(bound);
    }

    /** Stops the server if nothing else did, waiting a bounded time: a deadlocked server is left behind. */
    @Override
    public void close() throws Exception {
        if (awaitStopped(CLEANUP_STOP_BOUND) == null) {
            System.err.println("could not stop " + name + " " + threadPrefixes + " within " + CLEANUP_STOP_BOUND
                    + " of the start of its stop");
        }
    }

    /** Starts stopping the server on a thread of its own, unless that has begun. */
    private synchronized CompletableFuture<Void> beginStop() {
        if (stop == null) {
            stopBeganNanos = System.nanoTime();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread stopper = new Thread(() -> {
                try {
                    server.close();
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, "room-server-stop-" + port);
            stopper.setDaemon(true); // a stop stuck in a deadlock must not keep the JVM alive
            stopper.start();
            stop = done;
        }
        return stop;
    }
}
