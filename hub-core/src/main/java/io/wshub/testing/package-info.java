/**
 * Test support that ships with {@code hub-core}: an in-memory transport that connects clients to a
 * {@link io.wshub.Hub} without sockets (with a reader that can be paused or slowed to exercise
 * backpressure), and a manual {@link io.wshub.spi.Scheduler} that moves time only when told. Use
 * them in your application's own tests of its {@link io.wshub.HubHandler}:
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * Hub hub = Hub.builder().handler(myHandler).scheduler(time).flushExecutor(Runnable::run).build();
 * InMemoryTransport transport = new InMemoryTransport(hub.acceptor());
 * InMemoryClient alice = transport.connect(Handshake.builder().queryParameter("id", "alice").build());
 * alice.sendText("{\"type\":\"ping\"}");
 * assertEquals("{\"type\":\"pong\"}", alice.nextText(Duration.ofSeconds(1)));
 * time.advance(Duration.ofSeconds(60)); // heartbeats and timeouts fire, no real waiting
 * }</pre>
 */
package io.wshub.testing;
