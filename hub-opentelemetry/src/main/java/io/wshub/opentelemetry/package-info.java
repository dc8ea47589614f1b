/**
 * The hub's traces in OpenTelemetry: {@link io.wshub.opentelemetry.HubTracing} is the hub's
 * {@link io.wshub.spi.Tracing}. The spans, their attributes and how to turn them on in the example
 * servers are in docs/operations.md, "Tracing".
 */
package io.wshub.opentelemetry;
