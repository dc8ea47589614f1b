package io.wshub.client;

import io.wshub.testing.RecordingClientListener;
import io.wshub.testing.ScriptedTransport;
import io.wshub.testing.ManualScheduler;

import java.net.URI;
import java.time.Duration;

/**
 * A client over a {@link ScriptedTransport} and a {@link ManualScheduler}: the whole state machine
 * runs on the test's thread, time moves only when the test says.
 */
final class ClientFixture {

    static final URI PRIMARY = URI.create("ws://primary.test/ws");
    static final URI SECONDARY = URI.create("ws://secondary.test/ws");

    final ManualScheduler time = new ManualScheduler();
    final ScriptedTransport transport = new ScriptedTransport(time);
    final RecordingClientListener events = new RecordingClientListener();

    /** A builder for PRIMARY with the recording listener and the worst-case jitter (the full ceiling). */
    ReconnectingClient.Builder builder() {
        return ReconnectingClient.builder(transport).url(PRIMARY).listener(events).jitter(() -> 1.0);
    }

    /** Connects a client whose first attempt opens at once. */
    ReconnectingClient openClient(ReconnectingClient.Builder builder) {
        transport.openAt(PRIMARY);
        ReconnectingClient client = builder.connect();
        if (client.state() != ClientState.OPEN) {
            throw new AssertionError("expected OPEN, was " + client.state());
        }
        return client;
    }

    void advance(Duration d) {
        time.advance(d);
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
