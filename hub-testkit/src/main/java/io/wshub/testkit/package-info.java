/**
 * The transport test kits: the promises of wshub's transport SPIs as JUnit 5 tests, for any
 * transport to pass. {@link io.wshub.testkit.TransportTestKit} checks a server transport
 * ({@link io.wshub.spi.Connection}) on a {@link io.wshub.testkit.RecordingAcceptor} in place of a
 * hub; {@link io.wshub.testkit.ClientTransportTestKit} checks a client transport
 * ({@link io.wshub.spi.ClientTransport}) against a real hub the test serves. A transport's test
 * extends the kit and says how to start its side; wshub's own transports (the in-memory one,
 * hub-jetty's adapter, hub-client's Jetty client) run the same kits.
 *
 * <p>{@link io.wshub.testkit.RecordingListener} records what a transport reports on one connection,
 * either side, and notices the promises it breaks; {@link io.wshub.testkit.CountingCallback} checks
 * that a send completes exactly once.
 */
package io.wshub.testkit;
