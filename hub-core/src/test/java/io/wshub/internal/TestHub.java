package io.wshub.internal;

import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Session;
import io.wshub.spi.MetricsListener;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import io.wshub.testing.ManualScheduler;

import java.time.Duration;

/**
 * A hub on a manual clock with writes on the caller's thread and an in-memory transport: every
 * test below runs without sockets and without waiting for real time.
 */
final class TestHub implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(5);

    final ManualScheduler time = new ManualScheduler();
    final Hub hub;
    final InMemoryTransport transport;

    TestHub(HubOptions options, HubHandler handler) {
        this(options, handler, MetricsListener.NONE);
    }

    TestHub(HubOptions options, HubHandler handler, MetricsListener metrics) {
        hub = Hub.builder().options(options).handler(handler).metrics(metrics)
                .scheduler(time).flushExecutor(Runnable::run).build();
        transport = new InMemoryTransport(hub.acceptor());
    }

    InMemoryClient connect(String id) {
        return transport.connect(id);
    }

    Session session(String id) {
        return hub.session(id).orElseThrow(() -> new AssertionError("no session " + id));
    }

    /** Moves the clock in ticks, as the real timer would fire. */
    void advance(Duration d) {
        time.advance(d);
    }

    @Override
    public void close() {
        hub.shutdown(Duration.ZERO);
        time.advance(Duration.ofSeconds(2));
    }
}
