package io.wshub.client.jetty;

import io.wshub.client.HandshakeRefusedException;
import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.ClientTransport;
import io.wshub.spi.Scheduler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link ClientTransport} on Jetty 12's {@link WebSocketClient}. One instance serves any number
 * of clients and connections over one Jetty client: share it when a process opens many connections
 * ({@link io.wshub.client.ReconnectingClient}s, a {@link io.wshub.client.pool.ClientPool}).
 *
 * <p>{@link #create()} makes its own Jetty client with daemon threads named {@code wshub-client-N},
 * starts it on first use, and stops it in {@link #close()}, releasing every thread and socket;
 * {@link #create(ClientTls)} does the same with a trust store of its own for {@code wss://}
 * addresses. {@link #using(WebSocketClient)} wraps a Jetty client the application started and stops itself.
 *
 * <p>Limits come with each connection request (wshub's 512 KiB by default instead of Jetty's 64 KiB).
 * Jetty's own send queue is unbounded; the reconnecting client never has more than one write
 * outstanding per connection, so its bounded buffer is the only place messages wait.
 */
public final class JettyClientTransport implements ClientTransport {

    private static final Logger log = LoggerFactory.getLogger(JettyClientTransport.class);
    private static final AtomicInteger NUMBER = new AtomicInteger();
    /** Most threads: a selector, Jetty's reserved threads and callbacks; far fewer run at once. */
    private static final int MAX_THREADS = 16;
    /** Least threads kept alive: the selector and one for callbacks. */
    private static final int MIN_THREADS = 2;
    /** How long stopping waits for open sessions to finish their close handshake. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);
    /** How long a close waits for a stop begun elsewhere: the session grace and the thread pool's own stop. */
    private static final Duration STOP_WAIT = STOP_TIMEOUT.plusSeconds(5);
    private static final long DEFAULT_MAX_MESSAGE_BYTES = 512 * 1024;
    /**
     * Upgrades that may wait for a connection to one server. Jetty's default of 1 024 is meant
     * for HTTP requests; one process of a pool or a load tool reconnecting thousands of clients
     * to a restarted server at once would see the rest fail with "Max requests queued per
     * destination". Each waiting upgrade costs only its request object.
     */
    static final int MAX_QUEUED_UPGRADES = 65_536;

    private final WebSocketClient client;
    private final boolean owned;
    private final String threadPrefix;                // null for a client the application owns
    private final ScheduledThreadPoolExecutor timer;  // null for a client the application owns
    private final Scheduler scheduler = new JettyScheduler(this);
    private final Object lifecycle = new Object();
    // Guarded by lifecycle.
    private boolean started;
    private boolean closed;
    private Thread stopper; // the thread stopping Jetty when the close came from one of Jetty's own
    /** Completes when the Jetty client has stopped (at once for one the application owns). */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private JettyClientTransport(WebSocketClient client, String threadPrefix, ScheduledThreadPoolExecutor timer) {
        this.client = client;
        this.owned = threadPrefix != null;
        this.threadPrefix = threadPrefix;
        this.timer = timer;
    }

    /**
     * A transport with a Jetty client of its own, started on first use and stopped by {@link #close()};
     * {@code wss://} addresses are trusted by the JDK's trust store ({@link ClientTls#systemDefault()}).
     */
    public static JettyClientTransport create() {
        return create(ClientTls.systemDefault());
    }

    /**
     * A transport with a Jetty client of its own, started on first use and stopped by {@link #close()},
     * that trusts {@code wss://} servers as {@code tls} says.
     */
    public static JettyClientTransport create(ClientTls tls) {
        Objects.requireNonNull(tls, "tls");
        String name = "wshub-client-" + NUMBER.incrementAndGet();
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName(name);
        threads.setDaemon(true); // a forgotten client must not keep the JVM alive
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled heartbeats and timeouts do not pile up
        HttpClient http = new HttpClient();
        http.setSslContextFactory(tls.newSslContextFactory());
        http.setExecutor(threads);
        http.setScheduler(new ScheduledExecutorScheduler(timer));
        http.setMaxRequestsQueuedPerDestination(MAX_QUEUED_UPGRADES);
        WebSocketClient client = new WebSocketClient(http);
        client.setMaxTextMessageSize(DEFAULT_MAX_MESSAGE_BYTES);
        client.setMaxBinaryMessageSize(DEFAULT_MAX_MESSAGE_BYTES);
        client.setMaxFrameSize(DEFAULT_MAX_MESSAGE_BYTES);
        client.setStopTimeout(STOP_TIMEOUT.toMillis());
        return new JettyClientTransport(client, name, timer);
    }

    /**
     * A transport over a Jetty client the application has configured and started; {@link #close()}
     * leaves it running.
     */
    public static JettyClientTransport using(WebSocketClient client) {
        Objects.requireNonNull(client, "client");
        JettyClientTransport transport = new JettyClientTransport(client, null, null);
        synchronized (transport.lifecycle) {
            transport.started = true;
        }
        return transport;
    }

    @Override
    public CompletableFuture<ClientConnection> connect(ClientConnectRequest request, ClientConnectionListener listener) {
        CompletableFuture<ClientConnection> result = new CompletableFuture<>();
        CompletableFuture<Session> upgrade;
        JettyEndpoint endpoint = JettyEndpoint.of(listener, request);
        RetryAfterHeader retryAfter = new RetryAfterHeader();
        try {
            ensureStarted();
            upgrade = client.connect(endpoint, request.uri(), upgradeRequest(request), retryAfter);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        upgrade.whenComplete((session, error) -> {
            if (error != null) {
                result.completeExceptionally(translate(request.uri(), error, retryAfter.value));
            } else if (!result.complete(endpoint.connection())) {
                session.disconnect(); // the client gave up on this attempt meanwhile
            }
        });
        result.whenComplete((connection, error) -> {
            if (result.isCancelled()) {
                upgrade.cancel(true); // Jetty aborts the upgrade request and its socket
            }
        });
        return result;
    }

    private static ClientUpgradeRequest upgradeRequest(ClientConnectRequest request) {
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        request.headers().forEach(upgrade::setHeader);
        upgrade.setTimeout(request.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return upgrade;
    }

    /**
     * Keeps the {@code Retry-After} of the upgrade's response: Jetty's {@link UpgradeException}
     * has the status only, so the header is read as the response's headers arrive.
     */
    private static final class RetryAfterHeader implements JettyUpgradeListener {
        /** Written by the Jetty thread reading the response, read by the one completing the upgrade. */
        volatile String value;

        @Override
        public void onHandshakeRequest(Request request) {
            request.onResponseHeaders(response -> value = response.getHeaders().get(HttpHeader.RETRY_AFTER));
        }
    }

    /**
     * A refused upgrade becomes {@link HandshakeRefusedException} (with its Retry-After), a failed
     * TLS handshake a {@link ConnectFailedException} that says so; anything else stays as it is.
     */
    private static Throwable translate(URI uri, Throwable error, String retryAfter) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException tls) {
                return TlsFailures.describe(uri, tls);
            }
            int status = 0;
            if (t instanceof UpgradeException upgrade) {
                status = upgrade.getResponseStatusCode();
            } else if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException upgrade) {
                status = upgrade.getResponseStatusCode();
            }
            if (status > 0 && status != 101) {
                return new HandshakeRefusedException(uri, status, "", retryAfter);
            }
        }
        return error;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Jetty's timer, once the client runs. */
    org.eclipse.jetty.util.thread.Scheduler jettyScheduler() {
        ensureStarted();
        return client.getHttpClient().getScheduler();
    }

    private void ensureStarted() {
        synchronized (lifecycle) {
            if (closed) {
                throw new RejectedExecutionException("the transport is closed");
            }
            if (started) {
                return;
            }
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the Jetty WebSocket client", e);
            }
            started = true;
        }
    }

    /**
     * Stops the transport's own Jetty client (open sessions get up to 2 s to finish closing), which
     * releases its threads and sockets; a client given to {@link #using} is left running. Returns
     * when they are released — also when the stop was begun by an earlier call — except on one of
     * the transport's own threads: a thread pool cannot wait for itself, so there the stop goes on
     * in the background.
     */
    @Override
    public void close() {
        boolean first;
        boolean ownThread = owned && Thread.currentThread().getName().startsWith(threadPrefix);
        Thread background = null;
        synchronized (lifecycle) {
            first = !closed;
            closed = true;
            if (!owned || !started) {
                stopped.complete(null);
                return;
            }
            if (first && ownThread) {
                background = new Thread(this::stopJetty, threadPrefix + "-stop");
                background.setDaemon(true);
                stopper = background;
            }
        }
        if (background != null) {
            background.start();
        } else if (first) {
            stopJetty();
        }
        if (!ownThread) {
            awaitStopped();
        }
    }

    private void stopJetty() {
        try {
            client.stop();
            timer.shutdownNow(); // Jetty leaves a timer it was given running
            timer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("stopping the Jetty WebSocket client failed", e);
        } finally {
            stopped.complete(null);
        }
    }

    /** Waits for the stop, and for the thread that ran it when that was not this one. */
    private void awaitStopped() {
        Thread background;
        synchronized (lifecycle) {
            background = stopper;
        }
        try {
            stopped.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (background != null) {
                background.join(STOP_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("the Jetty WebSocket client did not stop within {}", STOP_WAIT);
        }
    }

    @Override
    public String toString() {
        return "JettyClientTransport[" + (owned ? threadPrefix : client) + "]";
    }
}
