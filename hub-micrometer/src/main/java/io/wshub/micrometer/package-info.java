/**
 * The hub's metrics in Micrometer: {@link io.wshub.micrometer.HubMetrics} is the hub's
 * {@link io.wshub.spi.MetricsListener} and watches the hub for its gauges. The meters and what to
 * alert on are listed in docs/operations.md.
 */
package io.wshub.micrometer;
