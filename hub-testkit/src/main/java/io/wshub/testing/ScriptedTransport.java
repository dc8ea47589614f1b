package io.wshub.testing;

import io.wshub.client.HandshakeRefusedException;
import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.ClientTransport;
import io.wshub.spi.Scheduler;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ClientTransport} without sockets, for tests of code on the client side
 * ({@link io.wshub.client.ReconnectingClient}, a pool, your own client logic): the test decides how
 * every attempt ends, either one by one ({@link Attempt#open()}, {@link Attempt#refuse(int)},
 * {@link Attempt#fail()}) or per URL in advance ({@link #openAt}, {@link #refuseAt}, {@link #downAt}; a
 * script for a URL also covers attempts that add a query to it, as a resume token).
 * Attempts with no decision stay pending. Time is a {@link ManualScheduler}. Everything happens on
 * the test's thread. An opened attempt's far end is a {@link ScriptedConnection}: the test plays the
 * server there.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * ScriptedTransport transport = new ScriptedTransport(time);
 * java.net.URI url = java.net.URI.create("ws://server.test/ws");
 * transport.openAt(url);
 * ReconnectingClient client = ReconnectingClient.builder(transport).url(url).connect();
 * transport.connection().serverSends("{\"type\":\"welcome\"}");
 * transport.connection().drop();          // the network fails: the client retries
 * time.advance(Duration.ofSeconds(1));    // its backoff passes without waiting
 * }</pre>
 */
public final class ScriptedTransport implements ClientTransport {

    /** How attempts to one URL end by themselves. */
    private enum Script { OPEN, DOWN, REFUSE }

    private final ManualScheduler scheduler;
    // Guarded by "this".
    private final List<Attempt> attempts = new ArrayList<>();
    private final Map<URI, Script> scripts = new HashMap<>();
    private final Map<URI, Integer> refusals = new HashMap<>();
    private boolean closed;

    /** A transport whose clients run on this clock. */
    public ScriptedTransport(ManualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** From now on, attempts to {@code url} open at once. */
    public synchronized ScriptedTransport openAt(URI url) {
        scripts.put(url, Script.OPEN);
        return this;
    }

    /** From now on, attempts to {@code url} fail at once as if nothing listened there. */
    public synchronized ScriptedTransport downAt(URI url) {
        scripts.put(url, Script.DOWN);
        return this;
    }

    /** From now on, attempts to {@code url} are refused with this HTTP status. */
    public synchronized ScriptedTransport refuseAt(URI url, int status) {
        scripts.put(url, Script.REFUSE);
        refusals.put(url, status);
        return this;
    }

    /** From now on, attempts to {@code url} stay pending until the test decides. */
    public synchronized ScriptedTransport pendingAt(URI url) {
        scripts.remove(url);
        return this;
    }

    @Override
    public CompletableFuture<ClientConnection> connect(ClientConnectRequest request, ClientConnectionListener listener) {
        Attempt attempt = new Attempt(request, listener);
        Script script;
        URI scripted;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("transport closed"));
            }
            attempts.add(attempt);
            scripted = scriptedUrl(request.uri());
            script = scripts.get(scripted);
        }
        if (script == Script.OPEN) {
            attempt.open();
        } else if (script == Script.DOWN) {
            attempt.fail();
        } else if (script == Script.REFUSE) {
            attempt.refuse(refusals.get(scripted));
        }
        return attempt.future;
    }

    /** The URL whose script applies: the attempt's own, else the same without the query (which a client may add to, as a resume token). */
    private URI scriptedUrl(URI uri) {
        if (scripts.containsKey(uri) || uri.getRawQuery() == null) {
            return uri;
        }
        String s = uri.toString();
        return URI.create(s.substring(0, s.indexOf('?')));
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Every attempt so far, oldest first. */
    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The latest attempt. */
    public synchronized Attempt lastAttempt() {
        if (attempts.isEmpty()) {
            throw new AssertionError("no connection attempt yet");
        }
        return attempts.get(attempts.size() - 1);
    }

    /** The connection of the latest attempt, which must have opened. */
    public ScriptedConnection connection() {
        ScriptedConnection c = lastAttempt().connection;
        if (c == null) {
            throw new AssertionError("the latest attempt has not opened");
        }
        return c;
    }

    /** One connection attempt, as the client made it. */
    public static final class Attempt {
        /** What the client asked for. */
        public final ClientConnectRequest request;
        private final ClientConnectionListener listener;
        private final CompletableFuture<ClientConnection> future = new CompletableFuture<>();
        private ScriptedConnection connection;

        Attempt(ClientConnectRequest request, ClientConnectionListener listener) {
            this.request = request;
            this.listener = listener;
        }

        /** Where the client connects. */
        public URI url() {
            return request.uri();
        }

        /** Completes the handshake; returns the server's end. */
        public ScriptedConnection open() {
            connection = new ScriptedConnection(listener);
            future.complete(connection);
            return connection;
        }

        /** Refuses the upgrade with this HTTP status. */
        public void refuse(int status) {
            refuse(status, null);
        }

        /** Refuses the upgrade with this HTTP status and {@code Retry-After} header (null: none). */
        public void refuse(int status, String retryAfter) {
            future.completeExceptionally(new HandshakeRefusedException(request.uri(), status, "", retryAfter));
        }

        /** Fails as if nothing listened at the address. */
        public void fail() {
            future.completeExceptionally(new ConnectException("Connection refused: " + request.uri()));
        }

        /**
         * The client's listener for this attempt: a test can report events the transport would,
         * also before the open (a transport may report the end first).
         */
        public ClientConnectionListener listener() {
            return listener;
        }

        /** Whether the client gave up on this attempt by cancelling it. */
        public boolean isCancelled() {
            return future.isCancelled();
        }

        /** The connection, if this attempt opened. */
        public ScriptedConnection connection() {
            return connection;
        }
    }
}
