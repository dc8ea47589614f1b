/**
 * The Jetty 12 server adapter: {@link io.wshub.jetty.WshubHandler} mounts hubs on paths of an
 * existing {@code org.eclipse.jetty.server.Server}, checks every upgrade through the hub before any
 * WebSocket frame is exchanged, maps the hub's limits onto Jetty and shuts the hubs down gracefully
 * before Jetty closes its connections. The health, metrics and admin endpoints are in
 * hub-operations.
 */
package io.wshub.jetty;
