package io.wshub.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.Scheduler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One connection attempt and, once it succeeds, the connection: its phase, timers, heartbeat,
 * restore sends and the one write in flight. The transport reports to it; it hands every event to
 * the client's serial executor, tagged with itself, so events of a connection the client has
 * already left behind are recognised and ignored.
 *
 * <p>Every field but the final ones is confined to the client's serial executor.
 */
final class Link implements ClientConnectionListener {

    /** How far the connection has come. */
    enum Phase {
        /** Connecting and upgrading. */
        HANDSHAKING,
        /** Upgraded; the restore hooks run; only restore sends are written. */
        RESTORING,
        /** Restored: buffered and new sends are written. */
        OPEN,
        /** Closed by the client; waiting for the peer to answer the close frame. */
        CLOSING,
        /** Over; the client no longer listens to it. */
        ENDED
    }

    /** A {@link ReconnectingClient#ping} waiting for its pong. */
    record PingWaiter(long sentAtNanos, CompletableFuture<Duration> rtt) {
    }

    final URI url;
    final boolean firstConnection;
    private final ClientMachine machine;

    Phase phase = Phase.HANDSHAKING;
    CompletableFuture<ClientConnection> connecting;
    ClientConnection connection;
    Scheduler.Cancellable handshakeTimer;
    Scheduler.Cancellable restoreTimer;
    Scheduler.Cancellable heartbeatTimer;
    Scheduler.Cancellable closeTimer;
    Heartbeat heartbeat;
    final ArrayDeque<PendingSend> restoreSends = new ArrayDeque<>();
    final List<PingWaiter> pings = new ArrayList<>();
    PendingSend inFlight;
    boolean writeFailed; // the connection is unusable; its close report is on the way
    boolean demanded;   // a demand is outstanding: the transport may deliver one message
    boolean paused;     // stopped reading because the receive queue is full
    long openedAtNanos;
    Throwable lastError;

    Link(ClientMachine machine, URI url, boolean firstConnection) {
        this.machine = machine;
        this.url = url;
        this.firstConnection = firstConnection;
    }

    boolean isCurrent() {
        return machine.isCurrent(this);
    }

    /** Cancels every timer of this link. */
    void cancelTimers() {
        cancel(handshakeTimer);
        cancel(restoreTimer);
        cancel(heartbeatTimer);
        handshakeTimer = null;
        restoreTimer = null;
        heartbeatTimer = null;
    }

    static void cancel(Scheduler.Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public void onText(String text) {
        Message frame = Message.text(text);
        machine.post(() -> machine.inbound(this, frame));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        Message frame = Message.binary(data); // copies: the buffer is valid only during this call
        machine.post(() -> machine.inbound(this, frame));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        machine.post(() -> machine.pong(this));
    }

    @Override
    public void onError(Throwable cause) {
        machine.post(() -> lastError = cause);
    }

    @Override
    public void onClose(CloseStatus status) {
        machine.post(() -> machine.closedByPeer(this, status));
    }

    @Override
    public String toString() {
        return "Link[" + url + ", " + phase + "]";
    }
}
