package io.wshub.client;

import io.wshub.Message;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** What a {@link RestoreHook} may do with the new connection before it counts as open. */
public interface RestoreContext {

    /** The address of the new connection. */
    URI url();

    /** Whether this is the client's first connection (else a reconnect). */
    boolean isFirstConnection();

    /**
     * Writes the frame on this connection ahead of every buffered message. The future completes
     * when it is written and fails if the connection ends first.
     */
    CompletableFuture<Void> send(Message frame);

    /**
     * Writes the frame like {@link #send} and completes with the first inbound frame that
     * {@code isReply} accepts (which is also delivered as an ordinary message). Fails if the
     * connection ends first; the restore timeout bounds the wait.
     */
    CompletableFuture<Message> request(Message frame, Predicate<Message> isReply);
}
