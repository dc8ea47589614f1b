package io.wshub.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.internal.InboundChunk;
import io.wshub.spi.InvalidPayloadException;
import io.wshub.spi.MessageTooLargeException;
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
 * <p>Its state is its own, changed only through its methods, each named for what happened; all
 * of it is confined to the client's serial queue.
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
    /** Restore hooks' sends, written before anything else; the queue is the link's, filled and drained by the client. */
    final ArrayDeque<PendingSend> restoreSends = new ArrayDeque<>();
    /** Pings waiting for a pong; the list is the link's, filled and answered by the client. */
    final List<PingWaiter> pings = new ArrayList<>();
    private final ClientMachine machine;

    private Phase phase = Phase.HANDSHAKING;
    private URI target;
    private CompletableFuture<ClientConnection> connecting;
    private ClientConnection connection;
    private Scheduler.Cancellable handshakeTimer;
    private Scheduler.Cancellable restoreTimer;
    private Scheduler.Cancellable heartbeatTimer;
    private Scheduler.Cancellable closeTimer;
    private Heartbeat heartbeat;
    private PendingSend inFlight;
    /** The connection is unusable; its close report is on the way. */
    private boolean writeFailed;
    /** A demand is outstanding: the transport may deliver one message. */
    private boolean demanded;
    /** Stopped reading because the receive queue is full. */
    private boolean paused;
    private long openedAtNanos;
    private Throwable lastError;
    /** The server said it is going away (its shutdown notice, or a 1001 close): the next attempt goes elsewhere. */
    private boolean serverLeaving;

    Link(ClientMachine machine, URI url, boolean firstConnection) {
        this.machine = machine;
        this.url = url;
        this.firstConnection = firstConnection;
    }

    // ---- its life: handshaking → restoring → open → closing → ended ----

    Phase phase() {
        return phase;
    }

    /** The attempt is made: the address it connects to, the transport's future and the deadline of its handshake. */
    void attempting(URI address, CompletableFuture<ClientConnection> future, Scheduler.Cancellable handshakeDeadline) {
        target = address;
        connecting = future;
        handshakeTimer = handshakeDeadline;
    }

    /** The attempt was answered (upgraded or not): its handshake deadline is gone. */
    void handshakeAnswered() {
        cancel(handshakeTimer);
        handshakeTimer = null;
    }

    /** Upgraded: the restore hooks run now, within the deadline. */
    void upgraded(ClientConnection upgraded, Scheduler.Cancellable restoreDeadline) {
        connection = upgraded;
        phase = Phase.RESTORING;
        restoreTimer = restoreDeadline;
    }

    /** Restored: buffered and new sends are written from now on. */
    void opened(long nowNanos) {
        cancel(restoreTimer);
        restoreTimer = null;
        phase = Phase.OPEN;
        openedAtNanos = nowNanos;
    }

    /** Closed by the client: the peer has until the timer fires to answer the close frame. */
    void closing(Scheduler.Cancellable closeDeadline) {
        phase = Phase.CLOSING;
        closeTimer = closeDeadline;
    }

    /**
     * The peer's close arrived.
     *
     * @return whether it answered the client's own close (the link is over, nothing else to do)
     */
    boolean closeAnswered() {
        if (phase != Phase.CLOSING) {
            return false;
        }
        cancel(closeTimer); // the close handshake finished: no need to drop the socket
        phase = Phase.ENDED;
        return true;
    }

    /** The server said it is going away: a shutdown notice, or a close with 1001. */
    void serverLeaving() {
        serverLeaving = true;
    }

    /** Whether the server said it is going away. */
    boolean isServerLeaving() {
        return serverLeaving;
    }

    /** Over: the client no longer listens to it. */
    void end() {
        phase = Phase.ENDED;
    }

    /** The address the attempt connects to: {@link #url}, or more (a query the protocol adds). */
    URI target() {
        return target != null ? target : url;
    }

    CompletableFuture<ClientConnection> connecting() {
        return connecting;
    }

    /** The connection, once upgraded; null before. */
    ClientConnection connection() {
        return connection;
    }

    long openedAtNanos() {
        return openedAtNanos;
    }

    /** What the transport last reported as an error, for the exception that ends the link. */
    Throwable lastError() {
        return lastError;
    }

    // ---- reading ----

    /** The heartbeat, from the upgrade on; null before. */
    Heartbeat heartbeat() {
        return heartbeat;
    }

    void startHeartbeat(Heartbeat h) {
        heartbeat = h;
    }

    void heartbeatTimer(Scheduler.Cancellable next) {
        heartbeatTimer = next;
    }

    /** @return whether to ask the transport for a message now (none is outstanding) */
    boolean claimDemand() {
        if (demanded) {
            return false;
        }
        demanded = true;
        return true;
    }

    /** A message arrived: it used up the demand. */
    void demandUsed() {
        demanded = false;
    }

    boolean isPaused() {
        return paused;
    }

    void pause() {
        paused = true;
    }

    /** @return whether it was paused */
    boolean unpause() {
        boolean was = paused;
        paused = false;
        return was;
    }

    // ---- writing ----

    /** Whether the next write may start: upgraded, nothing in flight, no write failed. */
    boolean mayWrite() {
        return connection != null && inFlight == null && !writeFailed;
    }

    /** The send being written, or null. */
    PendingSend inFlight() {
        return inFlight;
    }

    void writing(PendingSend send) {
        inFlight = send;
    }

    /** The write of this send completed; a failure makes the link unusable (its close report is on the way). */
    void written(PendingSend send, boolean failed) {
        if (inFlight == send) {
            inFlight = null;
        }
        if (failed) {
            writeFailed = true;
        }
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
    public void onChunk(boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) {
        machine.post(() -> machine.inboundChunk(this, new InboundChunk(text, first, last, data, release,
                () -> machine.post(() -> machine.chunkReleased(this)))));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        machine.post(() -> machine.pong(this));
    }

    @Override
    public void onError(Throwable cause) {
        if (cause instanceof MessageTooLargeException || cause instanceof InvalidPayloadException) {
            machine.post(() -> machine.refused(this, cause)); // the pipeline refused a streamed message
            return;
        }
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
