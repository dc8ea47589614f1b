package io.wshub.bench.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the scenarios share: limits and the orderly end of a run. */
final class Scenarios {

    /**
     * Handshakes in flight at once: Jetty's HTTP client opens at most 64 connections per
     * destination at a time by default, and more would only queue.
     */
    static final int CONNECT_CONCURRENCY = 64;
    /** The client never closes a quiet connection during a run: runs are at most a few minutes. */
    static final Duration CLIENT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** How long the close handshakes at the end may take before the clients are stopped anyway. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private Scenarios() {
    }

    /** Closes every connection normally, waiting at most {@link #CLOSE_TIMEOUT} for all of them. */
    static void closeAll(List<? extends LoadConnection> connections) throws InterruptedException {
        CompletableFuture<?>[] closes = connections.stream().map(LoadConnection::close).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closes).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Stragglers are dropped when the clients stop; the results are already taken.
        }
    }
}
