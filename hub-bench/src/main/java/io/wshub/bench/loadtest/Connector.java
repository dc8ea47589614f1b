package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens a scenario's connections with a bounded number of handshakes in flight (Jetty's client
 * queues at most 1 024 requests per destination and a server's accept backlog is finite), all
 * within one deadline.
 */
final class Connector {

    private final JettyClients jetty;
    private final List<URI> uris;
    private final int concurrency;
    private final ErrorCounts errors;
    private final AtomicInteger connected = new AtomicInteger();
    /** Whether its upgrades offer permessage-deflate; set before it connects. */
    private boolean deflate;
    private final AtomicInteger failed = new AtomicInteger();

    Connector(JettyClients jetty, URI uri, int concurrency, ErrorCounts errors) {
        this(jetty, List.of(uri), concurrency, errors);
    }

    /** Connects endpoint i to {@code uris[i % uris.size()]}: spread over several servers. */
    Connector(JettyClients jetty, List<URI> uris, int concurrency, ErrorCounts errors) {
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("at least one URL to connect to");
        }
        this.jetty = jetty;
        this.uris = List.copyOf(uris);
        this.concurrency = concurrency;
        this.errors = errors;
    }

    /** Its upgrades offer permessage-deflate (as browsers do), or not. */
    Connector offeringDeflate(boolean offer) {
        deflate = offer;
        return this;
    }

    /**
     * Connects every endpoint, or as many as the timeout allows; those not connected in time
     * count as connect failures.
     *
     * @return how many connected
     */
    int connectAll(List<? extends LoadConnection> endpoints, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore inFlight = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(endpoints.size());
        for (int i = 0; i < endpoints.size(); i++) {
            long left = deadline - System.nanoTime();
            if (!inFlight.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                for (int rest = i; rest < endpoints.size(); rest++) {
                    failed(new TimeoutException("connect phase took longer than " + timeout));
                    done.countDown();
                }
                break;
            }
            CompletableFuture<?> future;
            try {
                ClientUpgradeRequest request = new ClientUpgradeRequest();
                if (deflate) {
                    request.addExtensions("permessage-deflate");
                }
                future = jetty.forConnection(i).connect(endpoints.get(i).listener(), uris.get(i % uris.size()), request);
            } catch (Exception e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .whenComplete((session, failure) -> {
                        if (failure == null) {
                            connected.incrementAndGet();
                        } else {
                            failed(failure);
                        }
                        inFlight.release();
                        done.countDown();
                    });
        }
        // Every future has its own timeout at the deadline, so this wait ends soon after it.
        done.await(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        return connected.get();
    }

    /** Connections opened so far (for the progress line). */
    int connected() {
        return connected.get();
    }

    /** Connections that failed so far. */
    int failed() {
        return failed.get();
    }

    private void failed(Throwable cause) {
        failed.incrementAndGet();
        errors.connectFailed(cause);
    }
}
