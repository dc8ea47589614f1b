package io.wshub.examples;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wshub.micrometer.HubMetrics;

import java.util.List;

/**
 * The metrics of one example server: a Prometheus registry with the JVM's and the process's meters
 * and one {@link HubMetrics} per mounted hub, rendered as Prometheus text.
 */
final class ServerMetrics implements AutoCloseable {

    /** Prometheus's text exposition format, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Listens to the JVM's collections until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The binding for the hub on this path; the caller gives it to the hub and lets it watch it. */
    HubMetrics forHub(String path, List<String> messageTypes) {
        return HubMetrics.builder(registry).path(path).messageTypes(messageTypes).build();
    }

    /** Every meter as Prometheus text. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
