/**
 * Test doubles for tests of wshub applications, handlers and transports, the ones wshub tests
 * itself with: an in-memory transport that connects clients to a {@link io.wshub.Hub} without
 * sockets ({@link io.wshub.testing.InMemoryTransport}; each {@link io.wshub.testing.InMemoryClient}'s
 * reader can be paused or slowed, and made to stop answering pings or closes), a manual
 * {@link io.wshub.spi.Scheduler} that moves time only when told
 * ({@link io.wshub.testing.ManualScheduler}), a network that delays, drops, stalls or cuts
 * connections on demand ({@link io.wshub.testing.FaultyTransport}), a scripted client transport for
 * the client side ({@link io.wshub.testing.ScriptedTransport}) and a recorder of what a reconnecting
 * client reports ({@link io.wshub.testing.RecordingClientListener}), and the fixtures over them: a hub on
 * the in-memory transport and the manual clock ({@link io.wshub.testing.HubFixture}) and a JSON
 * protocol's view of one client ({@link io.wshub.testing.Peer}).
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
 *
 * <p>They ship in {@code hub-testkit}: add it to your tests' dependencies.
 */
package io.wshub.testing;
