package io.wshub.testing;

import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientState;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ClientListener} that records what a {@link io.wshub.client.ReconnectingClient} reports
 * (its states and its failures, in order), for a test to assert on, from any thread.
 *
 * <pre>{@code
 * RecordingClientListener events = new RecordingClientListener();
 * ReconnectingClient client = ReconnectingClient.builder(transport).url(java.net.URI.create("ws://127.0.0.1:8080/ws"))
 *         .listener(events).connect();
 * // ... after the server went away:
 * assertEquals(true, events.lastFailure().willRetry());
 * }</pre>
 */
public final class RecordingClientListener implements ClientListener {

    // Guarded by "this".
    private final List<ClientState> states = new ArrayList<>();
    private final List<ClientFailure> failures = new ArrayList<>();

    @Override
    public synchronized void onStateChange(ClientState previous, ClientState current) {
        states.add(current);
    }

    @Override
    public synchronized void onFailure(ClientFailure failure) {
        failures.add(failure);
    }

    /** Every state the client moved to, in order. */
    public synchronized List<ClientState> states() {
        return List.copyOf(states);
    }

    /** Every failure the client reported, in order. */
    public synchronized List<ClientFailure> failures() {
        return List.copyOf(failures);
    }

    /**
     * The latest failure.
     *
     * @throws AssertionError when none was reported
     */
    public synchronized ClientFailure lastFailure() {
        if (failures.isEmpty()) {
            throw new AssertionError("no failure reported");
        }
        return failures.get(failures.size() - 1);
    }
}
