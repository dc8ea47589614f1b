package io.wshub.jetty;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for the first request on a connection: one that has not sent a whole request head
 * (an upgrade request, or any other) within it is closed. Jetty's idle timeout restarts with every
 * byte, so without this a client sending its upgrade request a byte at a time keeps a connection
 * (and its buffers) for as long as it likes; with it, a thousand such clients are each cut at the
 * deadline while everyone else is served. Later requests on a kept-alive connection, and
 * upgraded WebSocket connections, are left to their own timeouts.
 *
 * <p>The deadline's timer is cancelled when the HTTP connection closes, which is also what an
 * upgrade does to it: a pending timer holds its connection, and with it the whole HTTP exchange
 * of the upgrade (parser, request, response, headers: about 2 KB), which an upgraded session must
 * not keep alive for the rest of the deadline.
 *
 * <pre>{@code
 * Server server = new Server();
 * ServerConnector connector = new ServerConnector(server);
 * HandshakeDeadline.install(connector, Duration.ofSeconds(15));
 * server.addConnector(connector);
 * }</pre>
 */
public final class HandshakeDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final long deadlineMillis;

    private HandshakeDeadline(Scheduler scheduler, Duration deadline) {
        this.scheduler = scheduler;
        this.deadlineMillis = deadline.toMillis();
    }

    /**
     * Puts the deadline on every connection the connector accepts from now on.
     *
     * @throws IllegalArgumentException if the deadline is not positive
     */
    public static void install(AbstractConnector connector, Duration deadline) {
        Objects.requireNonNull(connector, "connector");
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the handshake deadline must be positive, was " + deadline);
        }
        connector.addBean(new HandshakeDeadline(connector.getScheduler(), deadline)); // its connections take the listener beans
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof AbstractMetaDataConnection) { // HTTP/1: not an upgraded WebSocket
            // added while the connection notifies its listeners: it hears the close, not this open
            connection.addEventListener(new Timer(connection));
        }
    }

    /** One connection's timer, cancelled when that connection closes or is upgraded. */
    private final class Timer implements Connection.Listener {
        private final Scheduler.Task task;

        Timer(Connection connection) {
            task = scheduler.schedule(() -> expire(connection), deadlineMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onClosed(Connection connection) {
            task.cancel(); // Jetty's scheduler removes a cancelled task at once, releasing the connection
        }
    }

    /** No whole request head yet, and the connection is still the endpoint's: it is cut. */
    private static void expire(Connection connection) {
        if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()
                && connection.getEndPoint().getConnection() == connection) {
            connection.getEndPoint().close();
        }
    }
}
