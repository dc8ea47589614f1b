package io.wshub.client;

import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.ClientTransport;
import io.wshub.spi.Scheduler;
import io.wshub.testing.ManualScheduler;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ClientTransport} for tests: the test decides how every attempt ends, either one by one
 * ({@link Attempt#open()}, {@link Attempt#refuse(int)}, {@link Attempt#fail()}) or per URL in
 * advance ({@link #openAt}, {@link #refuseAt}, {@link #downAt}). Attempts with no decision stay
 * pending. Time is a {@link ManualScheduler}. Everything happens on the test's thread.
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
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("transport closed"));
            }
            attempts.add(attempt);
            script = scripts.get(request.uri());
        }
        if (script == Script.OPEN) {
            attempt.open();
        } else if (script == Script.DOWN) {
            attempt.fail();
        } else if (script == Script.REFUSE) {
            attempt.refuse(refusals.get(request.uri()));
        }
        return attempt.future;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

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
    public FakeConnection connection() {
        FakeConnection c = lastAttempt().connection;
        if (c == null) {
            throw new AssertionError("the latest attempt has not opened");
        }
        return c;
    }

    /** One connection attempt, as the client made it. */
    public static final class Attempt {
        public final ClientConnectRequest request;
        final ClientConnectionListener listener;
        final CompletableFuture<ClientConnection> future = new CompletableFuture<>();
        private FakeConnection connection;

        Attempt(ClientConnectRequest request, ClientConnectionListener listener) {
            this.request = request;
            this.listener = listener;
        }

        public URI url() {
            return request.uri();
        }

        /** Completes the handshake; returns the server's end. */
        public FakeConnection open() {
            connection = new FakeConnection(listener);
            future.complete(connection);
            return connection;
        }

        /** Refuses the upgrade with this HTTP status. */
        public void refuse(int status) {
            future.completeExceptionally(new HandshakeRefusedException(request.uri(), status, ""));
        }

        /** Fails as if nothing listened at the address. */
        public void fail() {
            future.completeExceptionally(new ConnectException("Connection refused: " + request.uri()));
        }

        /** Whether the client gave up on this attempt by cancelling it. */
        public boolean isCancelled() {
            return future.isCancelled();
        }

        /** The connection, if this attempt opened. */
        public FakeConnection connection() {
            return connection;
        }
    }
}
