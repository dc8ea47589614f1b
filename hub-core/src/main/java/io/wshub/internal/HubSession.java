package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.OverflowPolicy;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.SessionStats;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.MessageTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One session: the {@link Session} applications use and the {@link ConnectionListener} its
 * transport reports to. Its jobs are acting on its {@link SessionState}'s decisions (the close,
 * the drop, the end), its inbound gate (rate limit, demand) and its timers (heartbeat,
 * write and close timeouts, checked by the hub's ticker); its outbound queue is its
 * {@link SessionWriter}'s, the order and exclusion of its inbound events the transport's
 * {@link io.wshub.spi.InboundPipeline}'s.
 */
final class HubSession implements Session, ConnectionListener, SessionWriter.Events {

    private static final Logger log = LoggerFactory.getLogger(HubSession.class);
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final SessionContext context;
    private final String id;
    private final Handshake handshake;
    private final Principal principal;
    private final Connection connection;
    private final SessionWriter writer;
    private final RateLimiter limiter;
    private final SessionState state = new SessionState();
    private final HandledRefs refs;
    // Memory matters here: a hub holds tens of thousands of these. Maps and sets are made on first use.
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<HubSession, Map> ATTRIBUTES =
            AtomicReferenceFieldUpdater.newUpdater(HubSession.class, Map.class, "attributes");

    /** Created on first use; then only grows. */
    private volatile Map<String, Object> attributes;
    /** Rooms it is in, created on first join; changed only under the room's lock (see {@link RoomRegistry}). */
    private volatile Set<String> rooms;
    private volatile Set<String> roomsAtClose = Set.of();
    private final long connectedAtMillis;
    private final long openedNanos;
    private volatile long lastInboundNanos;
    private volatile long lastPingNanos;
    private volatile boolean handlerFailureLogged;
    // Written only by the inbound callbacks (never concurrent), read by stats().
    private volatile long messagesIn;
    private volatile long bytesIn;
    private volatile long rateLimited;
    /** The type the protocol named for the message being handled; only the inbound callbacks use it. */
    private String handledType;

    HubSession(SessionContext context, String id, Handshake handshake, Principal principal, Connection connection) {
        this.context = context;
        this.id = id;
        this.handshake = handshake;
        this.principal = principal;
        this.connection = connection;
        long now = context.clock().nanoTime();
        this.openedNanos = now;
        this.lastInboundNanos = now;
        this.lastPingNanos = now;
        this.connectedAtMillis = System.currentTimeMillis();
        var o = context.options();
        this.writer = new SessionWriter(new OutboundQueue(o.maxQueuedMessages(), o.maxQueuedBytes(), o.overflowPolicy()),
                connection, context.flushExecutor(), this, context.clock(), o.maxQueuedMessages(), o.maxQueuedBytes(),
                context.counters().queuedBytes);
        this.limiter = new RateLimiter(o.rateLimit(), now);
        this.refs = new HandledRefs(context.store(), id, o.dedupeWindow(), context.counters().refs,
                context.counters().duplicates);
    }

    // ---- Session ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public Hub hub() {
        return context.hub();
    }

    @Override
    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> attributes() {
        Map<String, Object> a = attributes;
        if (a == null) {
            ATTRIBUTES.compareAndSet(this, null, new ConcurrentHashMap<String, Object>());
            a = attributes;
        }
        return a;
    }

    @Override
    public Set<String> rooms() {
        if (state.phase() == SessionState.Phase.CLOSED) {
            return roomsAtClose;
        }
        Set<String> r = rooms;
        return r == null ? Set.of() : Set.copyOf(r);
    }

    /** Records a room joined; the caller holds the room's lock. */
    void addRoom(String name) {
        Set<String> r = rooms;
        if (r == null) {
            // Room locks differ, so two first joins may race here: settle it with a lock of our own.
            synchronized (this) {
                r = rooms;
                if (r == null) {
                    r = ConcurrentHashMap.newKeySet();
                    rooms = r;
                }
            }
        }
        r.add(name);
    }

    /** Records a room left; the caller holds the room's lock. */
    void removeRoom(String name) {
        Set<String> r = rooms;
        if (r != null) {
            r.remove(name);
        }
    }

    /** The rooms it is in now, as a copy. */
    List<String> joinedRooms() {
        Set<String> r = rooms;
        return r == null ? List.of() : List.copyOf(r);
    }

    @Override
    public OptionalLong refHandled(String ref) {
        return refs.lookup(ref);
    }

    @Override
    public void rememberRef(String ref, long seq) {
        refs.remember(ref, seq);
    }

    /** Forgets what it kept for its delivery guarantees: the session has ended. */
    void discardDelivery() {
        refs.discard();
    }

    @Override
    public SendResult send(Message frame) {
        return writer.offer(frame, false, context.clock().nanoTime());
    }

    /** A fan-out's offer, at the fan-out's time: a large one hands the write to the flush executor. */
    SendResult offer(Message frame, boolean dispatch, long nowNanos) {
        return writer.offer(frame, dispatch, nowNanos);
    }

    /** What it missed, from a history: queued whatever the queue's limits, in order. */
    SendResult offerReplayed(List<Message> frames, long nowNanos) {
        return writer.offerReplayed(frames, nowNanos);
    }

    /** How long the oldest message in its queue has waited, in nanos; 0 when none waits. */
    long oldestQueuedAge(long nowNanos) {
        return writer.oldestQueuedAge(nowNanos);
    }

    @Override
    public void close(CloseStatus status) {
        beginClose(status.requireSendable(), true);
    }

    @Override
    public boolean isOpen() {
        SessionState.Phase p = state.phase();
        return p == SessionState.Phase.OPEN || p == SessionState.Phase.OPENING;
    }

    /** Whether the transport reported the end. */
    boolean isClosed() {
        return state.phase() == SessionState.Phase.CLOSED;
    }

    /** Whether broadcasts and lookups find it: its {@code onOpen} returned, its end not yet reported. */
    boolean isVisible() {
        return state.isVisible();
    }

    /**
     * Runs the application's {@code onOpen}, then makes the session visible; a session the hub
     * already closed (it shut down meanwhile) skips the application.
     */
    void open() {
        if (state.handlerOpening()) {
            runHandler(() -> context.handler().onOpen(this));
        }
        state.opened();
    }

    @Override
    public boolean isWritable() {
        return writer.isWritable();
    }

    @Override
    public void suspendReading() {
        state.suspendReading();
    }

    @Override
    public void resumeReading() {
        if (state.resumeReading()) {
            connection.demand();
        }
    }

    @Override
    public SessionStats stats() {
        return new SessionStats(Instant.ofEpochMilli(connectedAtMillis), messagesIn, bytesIn, writer.messagesOut(), writer.bytesOut(),
                writer.dropped(), rateLimited, writer.queuedMessages(), writer.queuedBytes(),
                Duration.ofNanos(writer.oldestQueuedAge(context.clock().nanoTime())));
    }

    @Override
    public String toString() {
        return "Session[" + id + "]";
    }

    // ---- ConnectionListener: inbound, one callback at a time ----

    @Override
    public void onText(String text) {
        handle(false, Utf8.length(text), text, () -> context.handler().onText(this, text));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        handle(true, data.remaining(), null, () -> context.handler().onBinary(this, data));
    }

    /** One inbound message: admitted, handled, the next one demanded; the closes it causes run after it. */
    private void handle(boolean binary, long bytes, String text, Runnable handlerCall) {
        Deferral.Scope scope = Deferral.enter();
        try {
            if (admitInbound(binary, bytes, text)) {
                context.handling().run(this, binary, bytes, handlerCall);
                demandNext();
            }
        } finally {
            scope.exit();
        }
    }

    /** The protocol named the type of the message being handled (see {@link Hub#reportMessageType}). */
    void handledType(String type) {
        handledType = type;
    }

    /** The type named for the message just handled, or null; cleared for the next one. */
    String takeHandledType() {
        String type = handledType;
        handledType = null;
        return type;
    }

    @Override
    public void onPing(ByteBuffer payload) {
        lastInboundNanos = context.clock().nanoTime();
    }

    @Override
    public void onPong(ByteBuffer payload) {
        lastInboundNanos = context.clock().nanoTime();
    }

    /**
     * The transport failed, or its pipeline refused a message over the size limit: that one is
     * closed with 1009 at once (what the peer sends next would be refused as well).
     */
    @Override
    public void onError(Throwable cause) {
        if (cause instanceof MessageTooLargeException tooLarge) {
            context.counters().error(ErrorKind.MESSAGE_TOO_BIG, this, tooLarge.getMessage());
            beginClose(CloseStatus.MESSAGE_TOO_BIG, false);
            return;
        }
        log.debug("transport error on {}", this, cause);
        context.counters().error(ErrorKind.TRANSPORT, this, String.valueOf(cause));
    }

    @Override
    public void onClose(CloseStatus transportStatus) {
        CloseStatus status = state.ended(transportStatus);
        if (status == null) {
            return;
        }
        writer.terminate();
        // Leaving its rooms announces the end and may close others: never nested in other work.
        Deferral.later(() -> context.ends().sessionEnded(this, status));
    }

    /**
     * Counts an inbound message and applies the rate limit (the size limit is the transport's
     * pipeline's: see {@link #onError}).
     *
     * @param text the message, when it is text: a refused one is handed to the application with it
     * @return whether the application should see it; when not, demand has been handled here
     */
    private boolean admitInbound(boolean binary, long bytes, String text) {
        SessionState.Phase phase = state.phase();
        if (phase == SessionState.Phase.CLOSED) {
            return false;
        }
        long now = context.clock().nanoTime();
        lastInboundNanos = now;
        messagesIn++;
        bytesIn += bytes;
        context.counters().messageReceived(this, binary, (int) Math.min(bytes, Integer.MAX_VALUE));
        if (phase == SessionState.Phase.CLOSING) {
            return false; // the transport reads on by itself until the peer's close frame arrives
        }
        if (!limiter.tryAcquire(now)) {
            rateLimited++;
            context.counters().rateLimited(this);
            runHandler(() -> context.handler().onRateLimited(this, text));
            if (limiter.refusedIsFlood(now)) {
                context.counters().error(ErrorKind.RATE_LIMIT_FLOOD, this, "refused more than twice the burst");
                beginClose(CloseStatus.RATE_LIMIT_EXCEEDED, true);
            }
            demandNext();
            return false;
        }
        return true;
    }

    /**
     * Asks the transport for the next message, unless the application suspended reading. Once the
     * hub closes, the transport reads on by itself so that the peer's close frame arrives
     * ({@link io.wshub.spi.InboundPipeline#readUntilClose()}).
     */
    void demandNext() {
        if (state.mayDemand()) {
            connection.demand();
        }
    }

    /**
     * Runs application code; a throw closes the session with 1011.
     *
     * @return whether it returned normally
     */
    boolean runHandler(Runnable handlerCall) {
        try {
            handlerCall.run();
            return true;
        } catch (Throwable t) {
            if (!handlerFailureLogged) {
                handlerFailureLogged = true;
                log.error("handler failed on {}; closing it with 1011", this, t);
            }
            context.counters().error(ErrorKind.HANDLER, this, String.valueOf(t));
            beginClose(CloseStatus.SERVER_ERROR, true);
            return false;
        }
    }

    // ---- closing ----

    /**
     * Starts closing: after the queue drains ({@code drain}) or at once, discarding it.
     *
     * @return false if the session was already closing or closed
     */
    boolean beginClose(CloseStatus status, boolean drain) {
        if (!state.close(status, context.clock().nanoTime())) {
            return false;
        }
        if (drain) {
            writer.closeAfterDrain(status);
        } else {
            writer.terminate();
            sendCloseFrame(status);
        }
        return true;
    }

    /** Sends the close frame once the current work is done (see {@link Deferral}). */
    private void sendCloseFrame(CloseStatus status) {
        state.closeSent(context.clock().nanoTime());
        Deferral.later(() -> connection.close(status));
    }

    /**
     * Drops the connection, once, as soon as the current work is done (see {@link Deferral}); the
     * transport reports the close. The peer is not reading, so the transport discards what the
     * kernel still holds for it instead of keeping it until the peer reads.
     *
     * @return whether this ended an open session (false if it was closing or closed already)
     */
    boolean abort(CloseStatus status) {
        SessionState.Abort decision = state.abort(status, context.clock().nanoTime());
        if (decision != SessionState.Abort.NOTHING) {
            writer.terminate();
            Deferral.later(connection::abort);
        }
        return decision == SessionState.Abort.END_AND_DROP;
    }

    /** Leaves what was queued, then sends the notice and the 1001 close; see {@link Hub#shutdown}. */
    void shutdown() {
        if (!state.shutdownNotice()) {
            return; // not open (yet), or the shutdown sequence and the opening thread both got here
        }
        runHandler(() -> context.handler().onShutdown(this));
        beginClose(CloseStatus.SERVER_SHUTDOWN, true);
    }

    /** Whether the application's {@code onClose} is owed (its {@code onOpen} ran). */
    boolean handlerOpened() {
        return state.handlerOpened();
    }

    /** The hub's periodic check: write timeout, close timeout, heartbeat. */
    void tick(long now) {
        SessionState.Phase phase = state.phase();
        if (phase == SessionState.Phase.CLOSED) {
            return;
        }
        var o = context.options();
        long writeStarted = writer.writeStartedNanos();
        if (writeStarted != 0 && now - writeStarted > o.writeTimeout().toNanos()) {
            if (abort(CloseStatus.WRITE_TIMEOUT)) {
                context.counters().error(ErrorKind.WRITE_TIMEOUT, this, "write in flight longer than " + o.writeTimeout());
                context.counters().slowConsumer(this, CloseStatus.WRITE_TIMEOUT);
            }
            return;
        }
        if (phase == SessionState.Phase.CLOSING) {
            long sent = state.closeSentNanos();
            boolean overdue = sent != 0
                    ? now - sent > o.closeTimeout().toNanos()
                    : now - state.closeRequestedNanos() > o.writeTimeout().toNanos() + o.closeTimeout().toNanos();
            if (overdue) {
                abort(state.closeStatus());
            }
            return;
        }
        if (now - lastInboundNanos > o.pongTimeout().toNanos()) {
            context.counters().error(ErrorKind.HEARTBEAT_TIMEOUT, this, "silent for " + o.pongTimeout());
            beginClose(CloseStatus.HEARTBEAT_TIMEOUT, false);
            return;
        }
        if (now - lastPingNanos >= o.pingInterval().toNanos()) {
            lastPingNanos = now;
            connection.ping(NO_PAYLOAD.duplicate());
        }
    }

    /** Called by the hub once the session left its rooms, with the rooms it was in. */
    void leftRooms(Set<String> left) {
        roomsAtClose = Set.copyOf(left);
    }

    long openedNanos() {
        return openedNanos;
    }

    // ---- SessionWriter.Events ----

    @Override
    public void written(int textMessages, int binaryMessages, long bytes) {
        context.counters().messagesWritten(this, textMessages, binaryMessages, bytes);
    }

    @Override
    public void droppedOldest(int messages, long bytes) {
        context.counters().dropped(this, OverflowPolicy.DROP_OLDEST, messages);
        context.tracing().dropped(this, OverflowPolicy.DROP_OLDEST, messages);
    }

    @Override
    public void refusedNewest(long bytes) {
        context.counters().dropped(this, OverflowPolicy.DROP_NEWEST, 1);
        context.tracing().dropped(this, OverflowPolicy.DROP_NEWEST, 1);
    }

    /**
     * The queue overflowed under the disconnect policy: the session is dropped, not closed with a
     * handshake, because a close frame would wait behind everything the peer is not reading and
     * the kernel would keep those bytes for as long as the peer stays connected.
     */
    @Override
    public void overflowed() {
        if (abort(CloseStatus.SLOW_CONSUMER)) {
            context.counters().slowConsumer(this, CloseStatus.SLOW_CONSUMER);
            context.tracing().slowConsumer(this);
        }
    }

    @Override
    public void writeFailed(Throwable cause) {
        log.debug("write failed on {}", this, cause);
        context.counters().error(ErrorKind.TRANSPORT, this, String.valueOf(cause));
        abort(CloseStatus.ABNORMAL);
    }

    @Override
    public void drainedForClose(CloseStatus status) {
        sendCloseFrame(status);
    }
}
