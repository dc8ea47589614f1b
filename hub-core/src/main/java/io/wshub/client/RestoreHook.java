package io.wshub.client;

import java.util.concurrent.CompletionStage;

/**
 * Restores what the server forgot when a connection ended — rooms joined, subscriptions made —
 * on every new connection, the first one included. Hooks run one after another, in the order they
 * were added, after the handshake and before any buffered message goes out: so a message for a
 * room is never sent before the room is joined again. The client reports {@link ClientState#OPEN}
 * only after the last hook's stage completes.
 *
 * <p>A hook that throws, or whose stage fails or does not complete within
 * {@link ClientOptions#restoreTimeout()}, fails the connection; it is dropped and retried like any
 * other failed attempt.
 */
@FunctionalInterface
public interface RestoreHook {

    /**
     * Restores state over this connection. Called on a client thread: start the work and return; do
     * not block.
     *
     * @return a stage that completes when the state is restored (its value is ignored)
     */
    CompletionStage<?> restore(RestoreContext context);
}
