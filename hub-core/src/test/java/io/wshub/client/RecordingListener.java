package io.wshub.client;

import java.util.ArrayList;
import java.util.List;

/** Records what a client reports, for assertions. */
final class RecordingListener implements ClientListener {

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
    synchronized List<ClientState> states() {
        return List.copyOf(states);
    }

    synchronized List<ClientFailure> failures() {
        return List.copyOf(failures);
    }

    synchronized ClientFailure lastFailure() {
        if (failures.isEmpty()) {
            throw new AssertionError("no failure reported");
        }
        return failures.get(failures.size() - 1);
    }
}
