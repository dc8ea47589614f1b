package io.wshub.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.internal.StreamSender;
import io.wshub.spi.Scheduler;
import io.wshub.spi.SendCallback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client's way out: the send buffer, the one write in flight per connection (restore sends
 * first, then — once open — the buffer, in order), and the send timeout. Confined to the client's
 * serial executor, like the {@link ClientMachine} it belongs to.
 */
final class Outbound {

    /** A write that stays in flight past the send timeout: the connection is stuck, not closed by anyone. */
    private static final CloseStatus WRITE_TIMEOUT = new CloseStatus(1006, "Write timeout");

    private final ClientMachine machine;
    private final Scheduler scheduler;
    private final ClientOptions options;
    private final SendBuffer buffer;
    private Scheduler.Cancellable sendTimer; // armed for the earliest deadline while anything waits

    Outbound(ClientMachine machine, Scheduler scheduler, ClientOptions options) {
        this.machine = machine;
        this.scheduler = scheduler;
        this.options = options;
        this.buffer = new SendBuffer(options.maxBufferedMessages(), options.maxBufferedBytes(), options.overflowPolicy());
    }

    /**
     * Buffers a message (applying the overflow policy) and writes it as soon as the connection
     * allows; with {@code only}, on that connection or not at all.
     */
    void send(Message frame, CompletableFuture<Void> written, Link only) {
        offer(new PendingSend(frame, written, deadline(), only));
    }

    /**
     * Buffers a message sent as a stream: it takes its place like any message (and may be dropped or
     * time out there like one); once reached, its chunks are written as its sender offers them, and
     * the connection writes nothing else until its last. {@code done} completes after the last chunk.
     */
    void sendStream(StreamSender stream, CompletableFuture<Void> done) {
        offer(new PendingSend(stream.marker, done, deadline(), null, stream));
    }

    private long deadline() {
        return scheduler.nanoTime() + options.sendTimeout().toNanos();
    }

    private void offer(PendingSend pending) {
        CompletableFuture<Void> written = pending.future();
        List<PendingSend> dropped = new ArrayList<>(0);
        if (!buffer.offer(pending, dropped)) {
            written.completeExceptionally(new MessageDroppedException("send buffer full (" + buffer.size()
                    + " messages, " + buffer.bytes() + " bytes): dropped the newest message"));
            return;
        }
        for (PendingSend old : dropped) {
            old.future().completeExceptionally(new MessageDroppedException(
                    "send buffer full: dropped the oldest message to make room for a newer one"));
        }
        armSendTimer();
        Link l = machine.currentLink();
        if (l != null) {
            pump(l);
        }
    }

    /** Writes a restore hook's message on this connection, ahead of the buffer. */
    void restoreSend(Link l, Message frame, CompletableFuture<Void> written) {
        if (!machine.isCurrent(l)) {
            written.completeExceptionally(new ConnectionLostException(l.url, CloseStatus.ABNORMAL,
                    "the connection to " + l.url + " being restored is gone", null));
            return;
        }
        l.restoreSends.add(new PendingSend(frame, written, PendingSend.NO_DEADLINE, l));
        pump(l);
    }

    /** Starts the next write if the connection is free: restore sends first, then, once open, the buffer. */
    void pump(Link l) {
        if (!l.mayWrite()) {
            return;
        }
        PendingSend next;
        do {
            next = l.restoreSends.poll();
            if (next == null && l.phase() == Link.Phase.OPEN) {
                next = buffer.poll();
            }
            if (next == null) {
                return;
            }
            if (next.only() != null && next.only() != l) {
                next.future().complete(null); // meant for a connection that is gone: its restore's job now
            }
        } while (next.future().isDone()); // cancelled by its sender: never written
        PendingSend send = next;
        l.writing(send);
        SendCallback whenWritten = new SendCallback() {
            @Override
            public void succeeded() {
                machine.post(() -> written(l, send, null));
            }

            @Override
            public void failed(Throwable cause) {
                machine.post(() -> written(l, send, cause));
            }
        };
        if (send.stream() != null) {
            send.stream().writeTo(l.connection()::sendChunk, whenWritten);
        } else {
            l.connection().send(send.frame(), whenWritten);
        }
    }

    private void written(Link l, PendingSend send, Throwable error) {
        l.written(send, error != null);
        if (error == null) {
            send.future().complete(null);
        } else {
            send.future().completeExceptionally(new ConnectionLostException(l.url, CloseStatus.ABNORMAL,
                    "the connection to " + l.url + " failed while the message was being written;"
                            + " it may or may not have arrived", error));
        }
        if (machine.isCurrent(l)) {
            pump(l);
        }
    }

    private void armSendTimer() {
        if (sendTimer != null) {
            return;
        }
        long earliest = PendingSend.NO_DEADLINE;
        PendingSend head = buffer.peek();
        if (head != null) {
            earliest = head.deadlineNanos();
        }
        Link l = machine.currentLink();
        if (timesOut(l)) {
            earliest = Math.min(earliest, l.inFlight().deadlineNanos());
        }
        if (earliest != PendingSend.NO_DEADLINE) {
            long wait = Math.max(0, earliest - scheduler.nanoTime());
            sendTimer = machine.schedule(Duration.ofNanos(wait), this::sendTimerFired);
        }
    }

    private void sendTimerFired() {
        sendTimer = null;
        if (machine.state() == ClientState.CLOSED) {
            return;
        }
        long now = scheduler.nanoTime();
        for (PendingSend expired : buffer.expire(now)) {
            expired.future().completeExceptionally(new SendTimeoutException(
                    "not written within " + options.sendTimeout() + " of its send; it was never sent"));
        }
        Link l = machine.currentLink();
        if (timesOut(l) && l.inFlight().deadlineNanos() <= now) {
            l.inFlight().future().completeExceptionally(new SendTimeoutException(
                    "the write did not complete within " + options.sendTimeout() + "; the connection is dropped"));
            machine.dropped(l, new ConnectionLostException(l.url, WRITE_TIMEOUT,
                    "a write to " + l.url + " did not complete within " + options.sendTimeout(), null));
        }
        armSendTimer();
    }

    /**
     * Whether the link's write in flight is held to the send timeout: a stream being written is not,
     * since its sender sets its pace; a server that reads nothing stops answering pings, and the
     * heartbeat drops the connection.
     */
    private static boolean timesOut(Link l) {
        return l != null && l.inFlight() != null && l.inFlight().stream() == null;
    }

    /** The client closed: nothing buffered will be written. */
    void close(ClientClosedException closed) {
        Link.cancel(sendTimer);
        sendTimer = null;
        for (PendingSend send : buffer.clear()) {
            send.future().completeExceptionally(closed);
        }
    }
}
