package io.wshub.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The room client's messages waiting for the server's {@code ack}, by {@code ref}, oldest first:
 * each send's future completes with the ack, fails with the server's error or at the send
 * timeout; what was written but not acknowledged when a connection ended is written again, with
 * the same ref, when the session is resumed (the server's dedupe makes that harmless), and fails
 * when it is not. Against a server that does not acknowledge, a send completes when written, as a
 * plain client's does. A server is taken to acknowledge when its welcome offers a resume token, or
 * from the first ack of one of our refs. Confined to the client's serial executor.
 */
final class Acks {

    /** Enough for the sends written in the time an ack takes to come back. */
    private static final int UNAWAITED_REFS = 1_024;

    private final ClientMachine machine;
    private final Duration timeout;
    private final Map<String, Pending> pending = new LinkedHashMap<>(); // in send order, so deadline order
    // Refs completed when written, whose ack a server that acknowledges after all may still send.
    private final Set<String> unawaited = Newest.set(UNAWAITED_REFS);
    private long lastRef;
    private Scheduler.Cancellable timer;
    // Whether the server of the latest connection acknowledges; null until the first welcome says.
    private Boolean acking;
    private long connection;              // counts the client's connections
    private RestoreContext resumedWith;   // the current connection's, once it resumed the session

    /** One message: queued in the client's buffer (or being written), or sent and waiting for its ack. */
    private static final class Pending {
        final String ref;
        final Message frame;
        final CompletableFuture<Receipt> receipt;
        final long deadlineNanos;
        boolean sent;
        long writtenOn; // the connection it was last handed to be written on

        Pending(String ref, Message frame, CompletableFuture<Receipt> receipt, long deadlineNanos) {
            this.ref = ref;
            this.frame = frame;
            this.receipt = receipt;
            this.deadlineNanos = deadlineNanos;
        }
    }

    Acks(ClientMachine machine, Duration timeout) {
        this.machine = machine;
        this.timeout = timeout;
    }

    /** A ref no message of this client has had: {@code rc-1}, {@code rc-2}, … */
    String nextRef() {
        return "rc-" + ++lastRef;
    }

    /** Sends the frame (which carries {@code ref}) through the client's buffer; the receipt completes as the class says. */
    void send(String ref, Message frame, CompletableFuture<Receipt> receipt) {
        Pending p = new Pending(ref, frame, receipt, machine.nanoTime() + timeout.toNanos());
        pending.put(ref, p);
        arm();
        CompletableFuture<Void> written = write(p, machine::send);
        // Cancelled by its sender: never written if not yet, not written again, not waited for.
        receipt.whenComplete((r, e) -> {
            if (receipt.isCancelled()) {
                machine.post(() -> {
                    pending.remove(ref, p);
                    written.cancel(false);
                });
            }
        });
    }

    /** The server acknowledged {@code ref}; false when it is not one of ours. */
    boolean acknowledged(String ref, OptionalLong seq) {
        Pending p = pending.remove(ref);
        if (p == null) {
            if (!unawaited.remove(ref)) {
                return false;
            }
            acking = true; // it does acknowledge: from now on a send waits for its ack
            return true;
        }
        p.receipt.complete(new Receipt(ref, true, seq));
        return true;
    }

    /** The server refused {@code ref}; false when it is not one of ours. */
    boolean refused(String ref, String error) {
        Pending p = pending.remove(ref);
        if (p == null) {
            return false;
        }
        p.receipt.completeExceptionally(new MessageRejectedException(ref, error));
        return true;
    }

    /** The new connection's server does, or does not, acknowledge. */
    void serverAcknowledges(boolean acknowledges) {
        acking = acknowledges;
        if (!acknowledges) {
            settleSent(this::completeUnacknowledged);
        }
    }

    /** A new connection is being restored. */
    void newConnection() {
        connection++;
        resumedWith = null;
    }

    /** The session was resumed on the new connection: what was sent and not acknowledged goes again, ahead of the buffer. */
    void resend(RestoreContext context) {
        resumedWith = context;
        for (Pending p : pending.values()) {
            if (p.sent) {
                resendNow(p, context);
            }
        }
    }

    private void resendNow(Pending p, RestoreContext context) {
        p.sent = false;
        write(p, (frame, written) -> context.send(frame).whenComplete((ignored, error) -> {
            if (error != null) {
                written.completeExceptionally(error);
            } else {
                written.complete(null);
            }
        }));
    }

    /**
     * The session was not resumed: the server no longer knows which refs it handled, so a message
     * sent again might be handled twice. What was sent and not acknowledged fails instead.
     */
    void sessionLost(ClientException lastLoss) {
        settleSent(p -> p.receipt.completeExceptionally(new ConnectionLostException(machine.url(),
                lastLoss instanceof ConnectionLostException lost ? lost.status() : CloseStatus.ABNORMAL,
                "message " + p.ref + " was sent but its ack did not come before the connection ended ("
                        + lastLoss.getMessage() + "), and the session was not resumed:"
                        + " it may or may not have been handled", lastLoss)));
    }

    /** The client closed: nothing will be acknowledged any more. */
    void closed(ClientClosedException cause) {
        Link.cancel(timer);
        timer = null;
        List<Pending> all = new ArrayList<>(pending.values());
        pending.clear();
        all.forEach(p -> p.receipt.completeExceptionally(cause));
    }

    private CompletableFuture<Void> write(Pending p, Writer writer) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        p.writtenOn = connection;
        written.whenComplete((ignored, error) -> written(p, error)); // on the executor: writes complete there
        writer.write(p.frame, written);
        return written;
    }

    @FunctionalInterface
    private interface Writer {
        void write(Message frame, CompletableFuture<Void> written);
    }

    private void written(Pending p, Throwable error) {
        if (pending.get(p.ref) != p || p.receipt.isDone()) {
            pending.remove(p.ref, p);
            return;
        }
        if (error == null) {
            if (Boolean.FALSE.equals(acking)) {
                pending.remove(p.ref);
                completeUnacknowledged(p);
            } else {
                p.sent = true; // the ack will say; a server whose welcome is still to come may not send one
            }
            return;
        }
        if (error instanceof CancellationException) {
            pending.remove(p.ref);
            return;
        }
        boolean connectionTrouble = !(error instanceof ClientClosedException || error instanceof MessageDroppedException
                || error instanceof SendTimeoutException);
        if (connectionTrouble && !Boolean.FALSE.equals(acking)) {
            // It may have arrived: the resumed session's dedupe decides, so it goes again with the next resume —
            // or now, when this was a write of an earlier connection reported after the current one resumed.
            p.sent = true;
            if (p.writtenOn != connection && resumedWith != null) {
                resendNow(p, resumedWith);
            }
            return;
        }
        pending.remove(p.ref);
        p.receipt.completeExceptionally(error);
    }

    private void completeUnacknowledged(Pending p) {
        unawaited.add(p.ref);
        p.receipt.complete(new Receipt(p.ref, false, OptionalLong.empty()));
    }

    private void settleSent(Consumer<Pending> settle) {
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.sent) {
                it.remove();
                settle.accept(p);
            }
        }
    }

    private void arm() {
        if (timer != null || pending.isEmpty()) {
            return;
        }
        long wait = Math.max(0, pending.values().iterator().next().deadlineNanos - machine.nanoTime());
        timer = machine.schedule(Duration.ofNanos(wait), this::expire);
    }

    private void expire() {
        timer = null;
        long now = machine.nanoTime();
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.deadlineNanos > now) {
                break;
            }
            it.remove();
            p.receipt.completeExceptionally(new SendTimeoutException("no ack for message " + p.ref + " within "
                    + timeout + " of its send; it may or may not have been handled"));
        }
        arm();
    }
}
