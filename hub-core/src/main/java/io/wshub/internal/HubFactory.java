package io.wshub.internal;

import io.wshub.Authenticator;
import io.wshub.ErrorKind;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.InMemoryDeliveryStore;
import io.wshub.InProcessBroker;
import io.wshub.OriginPolicy;
import io.wshub.spi.Broker;
import io.wshub.spi.DeliveryStore;
import io.wshub.spi.MetricsListener;
import io.wshub.spi.Scheduler;
import io.wshub.spi.Tracing;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds hubs for {@link Hub.Builder}. Public only because the builder lives in another package;
 * not part of the API.
 */
public final class HubFactory {

    private static final AtomicInteger HUB_NUMBER = new AtomicInteger();

    private HubFactory() {
    }

    /** Creates and starts a hub; null collaborators get their defaults. */
    public static Hub create(HubOptions options, HubHandler handler, Authenticator authenticator,
                             OriginPolicy originPolicy, Broker broker, MetricsListener metrics,
                             Tracing tracing, Scheduler scheduler, Executor flushExecutor, DeliveryStore store) {
        int n = HUB_NUMBER.incrementAndGet();
        boolean ownsScheduler = scheduler == null;
        Scheduler sched = ownsScheduler ? new SystemScheduler("wshub-" + n + "-timer") : scheduler;
        HubCounters counters = new HubCounters(metrics);
        FlushLanes owned = null;
        Executor flush = flushExecutor;
        if (flush == null) {
            owned = new FlushLanes(Math.max(1, Runtime.getRuntime().availableProcessors()), "wshub-" + n + "-flush-",
                    failure -> counters.error(ErrorKind.INTERNAL, null, String.valueOf(failure)));
            flush = owned;
        }
        DefaultHub hub = new DefaultHub(options, handler, authenticator, originPolicy,
                broker == null ? new InProcessBroker() : broker, store == null ? new InMemoryDeliveryStore() : store,
                counters, tracing, sched, ownsScheduler, flush, owned);
        hub.start();
        return hub;
    }
}
