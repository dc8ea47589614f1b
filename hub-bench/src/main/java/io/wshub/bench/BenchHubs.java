package io.wshub.bench;

import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.spi.Admission;
import io.wshub.spi.ConnectionListener;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Hubs and sessions for the benchmarks. */
final class BenchHubs {

    private BenchHubs() {
    }

    /**
     * A hub that writes on the caller's thread (so a benchmark measures the whole fan-out on its
     * own thread and nothing is left queued between invocations) and never rate-limits.
     */
    static Hub hub(HubHandler handler, int maxConnections) {
        return builder(handler, maxConnections).flushExecutor(Runnable::run).build();
    }

    /** A hub with its default flush executor, as a server runs it; never rate-limits. */
    static Hub defaultFlushHub(HubHandler handler, int maxConnections) {
        return builder(handler, maxConnections).build();
    }

    private static Hub.Builder builder(HubHandler handler, int maxConnections) {
        return Hub.builder()
                .options(HubOptions.builder().maxConnections(maxConnections).rateLimit(RateLimit.UNLIMITED).build())
                .handler(handler);
    }

    /** Opens a session on a sink; returns the listener its inbound frames go to. */
    static ConnectionListener open(Hub hub, SinkConnection connection, int n) {
        Handshake handshake = Handshake.builder()
                .path("/bench")
                .remoteAddress(new InetSocketAddress("127.0.0.1", 10_000 + n))
                .build();
        Admission admission = hub.acceptor().admit(handshake);
        if (!(admission instanceof Admission.Accepted accepted)) {
            throw new IllegalStateException("the hub refused a benchmark session: " + admission);
        }
        ConnectionListener listener = accepted.open(connection);
        connection.opened(listener);
        return listener;
    }

    /** Shuts the hub down, waiting a bounded time. */
    static void shutdown(Hub hub) throws Exception {
        hub.shutdown(Duration.ofSeconds(1)).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
