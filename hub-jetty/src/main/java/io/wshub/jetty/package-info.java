/**
 * The Jetty 12 server adapter: {@link io.wshub.jetty.WshubHandler} mounts hubs on paths of an
 * existing {@code org.eclipse.jetty.server.Server}, checks every upgrade through the hub before any
 * WebSocket frame is exchanged, maps the hub's limits onto Jetty, serves a health endpoint and
 * shuts the hubs down gracefully before Jetty closes its connections.
 */
package io.wshub.jetty;
