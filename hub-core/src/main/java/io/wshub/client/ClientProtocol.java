package io.wshub.client;

import io.wshub.Message;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A protocol on top of the client's frames that keeps a session across connections (the room
 * client's resume): it may add to each attempt's address, restores its session on every new
 * connection before the {@link RestoreHook}s run, sees every inbound frame before the application
 * and keeps the ones that are its own business, and hears of every ending. Every method is called
 * on the client's serial executor.
 */
interface ClientProtocol {

    /** No protocol: the client's frames are the application's alone. */
    ClientProtocol NONE = new ClientProtocol() {
    };

    /** The address this attempt connects to, given the configured {@code url}. */
    default URI attemptUrl(URI url) {
        return url;
    }

    /** Restores the session on a new connection; runs before every restore hook. */
    default CompletionStage<?> restore(RestoreContext context) {
        return CompletableFuture.completedFuture(null);
    }

    /** Whether the application gets this inbound frame (false: the protocol consumed it). */
    default boolean deliver(Message frame) {
        return true;
    }

    /** An attempt failed or a connection ended; the client may try again. */
    default void lost(ClientException cause) {
    }

    /** The client closed for good (by request or by giving up). */
    default void closed(ClientClosedException cause) {
    }
}
