package io.wshub.client;

/**
 * Hears a {@link ReconnectingClient}'s state changes and failures. Calls come one at a time, in the
 * order things happened, on a client thread; they must be quick and must not block. An exception
 * thrown here is logged and otherwise ignored.
 */
public interface ClientListener {

    /** Listens to nothing. */
    ClientListener NONE = new ClientListener() {
    };

    /** The client moved from {@code previous} to {@code current}. */
    default void onStateChange(ClientState previous, ClientState current) {
    }

    /**
     * A connection attempt failed or an open connection ended. Comes before the state change it
     * causes; {@link ClientFailure#willRetry()} says whether the client tries again.
     */
    default void onFailure(ClientFailure failure) {
    }
}
