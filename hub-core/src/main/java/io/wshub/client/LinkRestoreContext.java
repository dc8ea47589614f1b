package io.wshub.client;

import io.wshub.Message;

import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** The {@link RestoreContext} of one connection: its sends go ahead of the buffer on that connection only. */
final class LinkRestoreContext implements RestoreContext {

    private final ClientMachine machine;
    private final Link link;

    LinkRestoreContext(ClientMachine machine, Link link) {
        this.machine = machine;
        this.link = link;
    }

    @Override
    public URI url() {
        return link.url;
    }

    @Override
    public boolean isFirstConnection() {
        return link.firstConnection;
    }

    @Override
    public CompletableFuture<Void> send(Message frame) {
        Objects.requireNonNull(frame, "frame");
        CompletableFuture<Void> written = new CompletableFuture<>();
        machine.post(() -> machine.restoreSend(link, frame, written));
        return written;
    }

    @Override
    public CompletableFuture<Message> request(Message frame, Predicate<Message> isReply) {
        Objects.requireNonNull(frame, "frame");
        Objects.requireNonNull(isReply, "isReply");
        CompletableFuture<Message> reply = new CompletableFuture<>();
        machine.post(() -> machine.restoreRequest(link, frame, isReply, reply));
        return reply;
    }
}
