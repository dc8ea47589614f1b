package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.OutboundStream;
import io.wshub.OverflowPolicy;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.Resumption;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.SessionStats;
import io.wshub.spi.Connection;
import io.wshub.spi.InvalidPayloadException;
import io.wshub.spi.MessageTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;

/**
 * One session: the {@link Session} applications use. Its jobs are acting on its
 * {@link SessionState}'s decisions (the close, the drop, the end, the hold and the resume), its
 * inbound gate (rate limit, demand) and its timers (heartbeat, write and close timeouts, the resume
 * window, checked by the hub's ticker). The connection it is on is its {@link SessionLink} (the
 * transport's listener, the outbound queue's writer); with resume on, what it keeps across
 * connections — token, inbox, the gate of a resume — is its {@link SessionDelivery}. The order and
 * exclusion of its inbound events are the transport's {@link io.wshub.spi.InboundPipeline}'s.
 */
final class HubSession implements Session {

    private static final Logger log = LoggerFactory.getLogger(HubSession.class);
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** A streamed text message that is not UTF-8 (RFC 6455: 1007). */
    private static final CloseStatus INVALID_PAYLOAD = new CloseStatus(1007, "Invalid UTF-8");

    private final SessionContext context;
    private final String id;
    private final SessionState<SessionLink> state;
    private final HandledRefs refs;
    /** Token, inbox and resume gate; null with resume off, which then costs nothing. */
    private final SessionDelivery delivery;
    // Memory matters here: a hub holds tens of thousands of these. Maps and sets are made on first use.
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<HubSession, Map> ATTRIBUTES =
            AtomicReferenceFieldUpdater.newUpdater(HubSession.class, Map.class, "attributes");

    /** The upgrade of the connection it is on, and who it said the peer is; replaced by a resume. */
    private volatile Handshake handshake;
    private volatile Principal principal;
    /** Created on first use; then only grows. */
    private volatile Map<String, Object> attributes;
    /** Rooms it is in, created on first join; changed only under the room's lock (see {@link RoomRegistry}). */
    private volatile Set<String> rooms;
    private volatile Set<String> roomsAtClose = Set.of();
    private final long connectedAtMillis;
    private final long openedNanos;
    private volatile boolean handlerFailureLogged;
    /** Set once when another node took the session over: its end here is quiet. */
    private volatile boolean moved;
    /** Set while its {@code onOpen} runs; see {@link #holdFanOuts()}. */
    private volatile HeldFanOuts heldFanOuts;
    // Written only by the inbound callbacks (never concurrent), read by stats().
    private volatile long messagesIn;
    private volatile long bytesIn;
    private volatile long rateLimited;
    /** What the connections it left wrote and dropped; added to under the state's decisions, read by stats(). */
    private volatile long earlierMessagesOut;
    private volatile long earlierBytesOut;
    private volatile long earlierDropped;
    /** The type the protocol named for the message being handled; only the inbound callbacks use it. */
    private String handledType;

    HubSession(SessionContext context, String id, Handshake handshake, Principal principal, Connection connection) {
        this.context = context;
        this.id = id;
        this.handshake = handshake;
        this.principal = principal;
        this.openedNanos = context.clock().nanoTime();
        this.connectedAtMillis = System.currentTimeMillis();
        var o = context.options();
        this.state = new SessionState<>(o.resumeOn());
        this.state.attachFirst(new SessionLink(this, connection, context));
        this.refs = new HandledRefs(context.store(), id, o.dedupeWindow(), context.counters().refs,
                context.counters().duplicates);
        this.delivery = !o.resumeOn() ? null : new SessionDelivery(context.store(), id,
                o.inbox().isOff() ? null : new History(context.store().inbox(id, o.inbox()),
                        context.counters().inboxMessages, context.counters().inboxBytes),
                o.maxQueuedMessages(), o.maxQueuedBytes(), o.overflowPolicy());
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

    @Override
    public Optional<String> resumeToken() {
        return delivery == null ? Optional.empty() : Optional.ofNullable(delivery.token());
    }

    @Override
    public Optional<Position> inbox() {
        return delivery == null ? Optional.empty() : Optional.ofNullable(delivery.inboxPosition());
    }

    @Override
    public boolean awaitResume(Function<Resumption, Message> answer) {
        Objects.requireNonNull(answer, "answer");
        return delivery != null && delivery.await(answer);
    }

    @Override
    public boolean resume(Map<String, Position> roomsSeen, Position inboxSeen) {
        Objects.requireNonNull(roomsSeen, "rooms");
        Function<Resumption, Message> answer = delivery == null ? null : delivery.takeAnswer();
        if (answer == null) {
            return false;
        }
        Deferral.Scope scope = Deferral.enter();
        try {
            finishResume(answer, roomsSeen, inboxSeen);
        } finally {
            scope.exit();
        }
        return true;
    }

    /**
     * Recovers each room the client named from its history, then queues the answer, the replays and
     * what waited, and opens the gate ({@link SessionDelivery#finish}).
     */
    private void finishResume(Function<Resumption, Message> answer, Map<String, Position> roomsSeen, Position inboxSeen) {
        long now = context.clock().nanoTime();
        Map<String, Boolean> recovered = new TreeMap<>();
        Map<String, RoomRegistry.Replay> replays = new LinkedHashMap<>();
        for (String room : new TreeSet<>(joinedRooms())) {
            Position seen = roomsSeen.get(room);
            RoomRegistry.Replay replay = seen == null ? null : context.rooms().replay(this, room, seen, now);
            recovered.put(room, replay != null);
            if (replay != null) {
                replays.put(room, replay);
            }
        }
        delivery.finish(answer, recovered, replays, inboxSeen, state.link().writer, now);
    }

    /** Forgets what it kept for its delivery guarantees: the session has ended. */
    void discardDelivery() {
        refs.discard();
        if (delivery != null) {
            delivery.discard();
        }
    }

    @Override
    public SendResult send(Message frame) {
        SessionDelivery d = delivery;
        if (d != null && !d.sendsPass()) {
            Deferral.Scope scope = Deferral.enter(); // an overflow it causes drops the connection after the gate's lock
            try {
                return offerAs(SessionDelivery.Kind.HUB, null, 0, frame, context.deliveries().forSessions(frame), false,
                        context.clock().nanoTime());
            } finally {
                scope.exit();
            }
        }
        return state.link().writer.offer(frame, context.deliveries().forSessions(frame), false,
                context.clock().nanoTime());
    }

    /** A fan-out's offer under the hub's overflow policy, at the fan-out's time; see {@link #offer(Message, Delivery, boolean, long)}. */
    SendResult offer(Message frame, boolean dispatch, long nowNanos) {
        return offer(frame, null, dispatch, nowNanos);
    }

    /**
     * A hub-wide fan-out's offer, with the delivery it decided for all its recipients, at its time: a
     * large one hands the write to the flush executor.
     */
    SendResult offer(Message frame, Delivery d, boolean dispatch, long nowNanos) {
        HeldFanOuts held = heldFanOuts;
        if (held != null && held.hold(frame, d)) {
            return SendResult.QUEUED;
        }
        return offerFanOut(frame, d, dispatch, nowNanos);
    }

    private SendResult offerFanOut(Message frame, Delivery d, boolean dispatch, long nowNanos) {
        if (delivery != null) {
            return offerAs(SessionDelivery.Kind.HUB, null, 0, frame, d, dispatch, nowNanos);
        }
        return state.link().writer.offer(frame, d, dispatch, nowNanos);
    }

    /**
     * A room's fan-out's offer (its message at {@code seq}, or 0 for presence), with the delivery the
     * fan-out decided; the caller holds the room's lock.
     */
    SendResult offerRoom(String room, long seq, Message frame, Delivery d, long nowNanos) {
        if (delivery != null) {
            return offerAs(SessionDelivery.Kind.ROOM, room, seq, frame, d, true, nowNanos);
        }
        return state.link().writer.offer(frame, d, true, nowNanos);
    }

    private SendResult offerAs(SessionDelivery.Kind kind, String room, long seq, Message frame, Delivery d,
                               boolean dispatch, long nowNanos) {
        SessionLink l = state.link();
        return delivery.offer(kind, room, seq, frame, d, l.writer, dispatch, nowNanos, l);
    }

    /**
     * A private message: with resume on it takes its inbox's next seq and is kept there, also while
     * the session is held; else it goes out as it is.
     */
    SendResult deliverPrivate(Positioned message) {
        long now = context.clock().nanoTime();
        SessionLink l = state.link();
        if (delivery == null) {
            Message frame = message.unpositioned();
            return l.writer.offer(frame, context.deliveries().forSessions(frame), false, now);
        }
        Deferral.Scope scope = Deferral.enter(); // an overflow it causes closes after the delivery lock
        try {
            return delivery.deliverPrivate(message, context.deliveries()::forSessions,
                    state.phase() == SessionState.Phase.HELD, l.writer, now, l);
        } finally {
            scope.exit();
        }
    }

    /** What it missed, from a history: queued whatever the queue's limits, in order. */
    SendResult offerReplayed(List<Message> frames, long nowNanos) {
        return state.link().writer.offerReplayed(frames, nowNanos);
    }

    /** How long the oldest message in its queue has waited, in nanos; 0 when none waits. */
    long oldestQueuedAge(long nowNanos) {
        return state.link().writer.oldestQueuedAge(nowNanos);
    }

    @Override
    public OutboundStream stream(boolean text) {
        SessionLink l = state.link();
        StreamSender s = l.streams.open(text, context.options().streamWindow(), l.writer::progressed);
        if (l.writer.offerReplayed(List.of(s.marker), context.clock().nanoTime()) != SendResult.QUEUED) {
            l.streams.finished(s);
            s.fail(new ClosedChannelException());
        }
        return s;
    }

    @Override
    public void close(CloseStatus status) {
        beginClose(null, status.requireSendable(), true);
    }

    @Override
    public boolean isOpen() {
        SessionState.Phase p = state.phase();
        return p == SessionState.Phase.OPEN || p == SessionState.Phase.OPENING;
    }

    @Override
    public boolean isHeld() {
        return state.phase() == SessionState.Phase.HELD;
    }

    /** Whether the session ended. */
    boolean isClosed() {
        return state.phase() == SessionState.Phase.CLOSED;
    }

    /** Whether broadcasts and lookups find it: its {@code onOpen} returned, it has not ended (it may be held). */
    boolean isVisible() {
        return state.isVisible();
    }

    /**
     * Issues its first resume token (with resume on), runs the application's {@code onOpen}, then
     * makes the session visible; a session the hub already closed (it shut down meanwhile) skips the
     * application.
     */
    void open() {
        if (state.handlerOpening()) {
            if (delivery != null) {
                delivery.issueToken();
            }
            runHandler(() -> context.handler().onOpen(this));
        }
        state.opened();
        releaseHeldFanOuts();
    }

    /**
     * From now until {@link #open()} returns, hub-wide fan-outs that reach the session wait, so that
     * they follow what its {@code onOpen} sends (its welcome first), yet none is missed: a peer that
     * hears of the session from its {@code onOpen} and broadcasts at once reaches it. Called before
     * the session joins the fan-outs.
     */
    void holdFanOuts() {
        heldFanOuts = new HeldFanOuts(context.options().maxQueuedMessages());
    }

    /** Queues what waited, in order; later fan-outs go straight to the queue. */
    private void releaseHeldFanOuts() {
        HeldFanOuts held = heldFanOuts;
        if (held == null) {
            return;
        }
        Deferral.Scope scope = Deferral.enter(); // an overflow it causes closes after the release
        try {
            held.release();
        } finally {
            scope.exit();
        }
        heldFanOuts = null;
    }

    /**
     * The fan-outs that reached an opening session, at most {@code limit}: one more releases them
     * early (memory stays bounded while an application's {@code onOpen} is slow, at the price of that
     * session's order, never of a message).
     */
    private final class HeldFanOuts {
        private record Held(Message frame, Delivery delivery) {
        }

        private final int limit;
        // Guarded by "this".
        private final List<Held> held = new ArrayList<>(2);
        private boolean released;

        HeldFanOuts(int limit) {
            this.limit = limit;
        }

        /** @return false once released, or when this one releases them: the caller offers the frame itself */
        synchronized boolean hold(Message frame, Delivery d) {
            if (!released && held.size() >= limit) {
                release();
            }
            if (released) {
                return false;
            }
            held.add(new Held(frame, d));
            return true;
        }

        /** Offers what waited, under the lock, so that a fan-out that waits for it comes after. */
        synchronized void release() {
            released = true;
            long now = context.clock().nanoTime();
            for (Held h : held) {
                offerFanOut(h.frame(), h.delivery(), false, now);
            }
            held.clear();
        }
    }

    /**
     * Opens a session taken over from another node as a resume: back in its rooms without a word
     * to them, with a new token, and the application's {@code onResumed} instead of its
     * {@code onOpen}; its traffic then waits behind the gate until the client resumes, as on the
     * node it left. Once it is visible the store hands on what was kept for it while it moved.
     */
    void openTransferred(List<String> rooms) {
        boolean opening = state.handlerOpening();
        if (opening) {
            // The gate first: a room's fan-out may reach the session the moment it joins, and
            // nothing may pass the welcome and the client's resume (it would skip the replay).
            delivery.closeGate();
            for (String room : rooms) {
                context.rooms().join(this, room);
            }
            delivery.issueToken();
            runHandler(() -> context.handler().onResumed(this));
            delivery.resumedHandled(state.link().writer, context.clock().nanoTime());
        }
        state.opened();
        if (opening && isVisible()) { // not when the hub closed it meanwhile: what was kept for it stays kept
            context.store().transferOpened(id);
        }
    }

    /**
     * Another node took the session over: a held session ends here now, quietly (see
     * {@link #hasMoved()}); an open one closes its connection with 1000 and ends when it would be held.
     *
     * @return the status to end a held session with, or null when it was not held
     */
    CloseStatus moveAway() {
        moved = true;
        CloseStatus held = state.endHeld();
        if (held == null) {
            beginClose(null, CloseStatus.NORMAL, true);
        }
        return held;
    }

    /** Whether another node took the session over: nobody here is told it ended. */
    boolean hasMoved() {
        return moved;
    }

    /** A resume of this session was admitted; see {@link SessionState#reserveResume()}. */
    boolean reserveResume() {
        return state.reserveResume();
    }

    /** The admitted resume failed before it opened. */
    void resumeAbandoned() {
        state.resumeAbandoned();
    }

    /**
     * A resume opened on a new connection: the session moves to it (closing an old one still open
     * with 1000), with a new token, and its traffic waits behind the gate while the application's
     * {@code onResumed} sends the first frames, and then until the client resumes.
     *
     * @return the new connection's listener, or null when the session ended meanwhile
     */
    SessionLink resumeOn(Connection connection, Handshake handshake, Principal principal) {
        Deferral.Scope scope = Deferral.enter(); // what the gate's release causes (an overflow) runs after its lock
        try {
            return attach(connection, handshake, principal);
        } finally {
            scope.exit();
        }
    }

    private SessionLink attach(Connection connection, Handshake handshake, Principal principal) {
        SessionLink next = new SessionLink(this, connection, context);
        delivery.closeGate();
        SessionState.Attached<SessionLink> attached = state.attach(next);
        if (!attached.moved()) {
            delivery.resumedHandled(next.writer, context.clock().nanoTime());
            return null;
        }
        SessionLink old = attached.replaced();
        if (old != null) {
            leftConnection(old);
            old.writer.terminate();
            Deferral.later(() -> old.connection.close(CloseStatus.NORMAL)); // taken over: the old one is done
        }
        this.handshake = handshake;
        this.principal = principal;
        delivery.issueToken();
        runHandler(() -> context.handler().onResumed(this));
        delivery.resumedHandled(next.writer, context.clock().nanoTime());
        return next;
    }

    /** The connection it is on (the transport's listener). */
    SessionLink link() {
        return state.link();
    }

    /** Keeps what a connection it leaves wrote and dropped, for its stats. */
    private void leftConnection(SessionLink l) {
        earlierMessagesOut += l.writer.messagesOut();
        earlierBytesOut += l.writer.bytesOut();
        earlierDropped += l.writer.dropped();
    }

    @Override
    public boolean isWritable() {
        return state.link().writer.isWritable();
    }

    @Override
    public void suspendReading() {
        state.suspendReading();
    }

    @Override
    public void resumeReading() {
        SessionLink owed = state.resumeReading();
        if (owed != null && context.budget().mayRead(this)) {
            owed.connection.demand();
        }
    }

    @Override
    public SessionStats stats() {
        SessionWriter w = state.link().writer;
        return new SessionStats(Instant.ofEpochMilli(connectedAtMillis), messagesIn, bytesIn,
                earlierMessagesOut + w.messagesOut(), earlierBytesOut + w.bytesOut(), earlierDropped + w.dropped(),
                rateLimited, w.queuedMessages(), w.queuedBytes(),
                Duration.ofNanos(w.oldestQueuedAge(context.clock().nanoTime())));
    }

    @Override
    public String toString() {
        return "Session[" + id + "]";
    }

    // ---- what a connection's transport reports, one callback at a time per connection ----

    void onText(SessionLink l, String text) {
        handle(l, false, Utf8.length(text), text, () -> context.handler().onText(this, text));
    }

    void onBinary(SessionLink l, ByteBuffer data) {
        handle(l, true, data.remaining(), null, () -> context.handler().onBinary(this, data));
    }

    /**
     * One chunk of a streamed message (see {@link io.wshub.HubHandler#onChunk}): the first is admitted
     * like a message (counted, rate limited); a refused message's remaining chunks are dropped. The
     * next chunk is demanded when the application releases this one, not when the handler returns.
     */
    void onChunk(SessionLink l, boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) {
        Deferral.Scope scope = Deferral.enter();
        try {
            if (first) {
                l.skippingStream = !admitInbound(l, !text, data.remaining(), null); // demand handled there when refused
                if (l.skippingStream) {
                    l.skippingStream = !last;
                    release.run();
                    return;
                }
            } else {
                SessionState.Phase phase = state.phase();
                boolean live = l == state.link() && phase != SessionState.Phase.CLOSED;
                if (live) {
                    bytesIn += data.remaining();
                    l.lastInboundNanos = context.clock().nanoTime();
                }
                if (l.skippingStream || !live || phase != SessionState.Phase.OPEN && phase != SessionState.Phase.OPENING) {
                    l.skippingStream = !last;
                    release.run();
                    demandNext(l);
                    return;
                }
            }
            InboundChunk chunk = new InboundChunk(text, first, last, data, release, () -> demandNext(l));
            if (!runHandler(() -> context.handler().onChunk(this, chunk))) {
                chunk.release(); // the handler threw: the session is closing, and the buffer goes back
            }
        } finally {
            scope.exit();
        }
    }

    /** One inbound message: admitted, handled, the next one demanded; the closes it causes run after it. */
    private void handle(SessionLink l, boolean binary, long bytes, String text, Runnable handlerCall) {
        Deferral.Scope scope = Deferral.enter();
        try {
            if (admitInbound(l, binary, bytes, text)) {
                context.handling().run(this, binary, bytes, handlerCall);
                demandNext(l);
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

    /** A ping or pong arrived: the connection is alive. */
    void heard(SessionLink l) {
        l.lastInboundNanos = context.clock().nanoTime();
    }

    /**
     * The transport failed, or its pipeline refused a message over the size limit: that one is
     * closed with 1009 at once (what the peer sends next would be refused as well).
     */
    void onError(SessionLink l, Throwable cause) {
        if (cause instanceof MessageTooLargeException tooLarge) {
            context.counters().error(ErrorKind.MESSAGE_TOO_BIG, this, tooLarge.getMessage());
            beginClose(l, CloseStatus.MESSAGE_TOO_BIG, false);
            return;
        }
        if (cause instanceof InvalidPayloadException invalid) {
            context.counters().error(ErrorKind.INVALID_MESSAGE, this, invalid.getMessage());
            beginClose(l, INVALID_PAYLOAD, false);
            return;
        }
        log.debug("transport error on {}", this, cause);
        context.counters().error(ErrorKind.TRANSPORT, this, String.valueOf(cause));
    }

    /** The connection ended: the session ends, or, with resume on, is held for the window. */
    void onClose(SessionLink l, CloseStatus transportStatus) {
        l.streams.failAll(new ClosedChannelException()); // whatever the session does next, this connection's streams are over
        SessionState.End end = state.ended(l, transportStatus, context.clock().nanoTime());
        if (end == null) {
            return; // not the session's connection any more (taken over), or reported already
        }
        l.writer.terminate();
        if (end.held()) {
            leftConnection(l);
            state.detach(l, SessionLink.DETACHED); // keeps nothing of the transport for the window
            delivery.connectionLost();
            Deferral.later(() -> context.ends().sessionHeld(this, end.status()));
        } else {
            // Leaving its rooms announces the end and may close others: never nested in other work.
            Deferral.later(() -> context.ends().sessionEnded(this, end.status(), false));
        }
    }

    /**
     * Counts an inbound message and applies the rate limit (the size limit is the transport's
     * pipeline's: see {@link #onError}).
     *
     * @param text the message, when it is text: a refused one is handed to the application with it
     * @return whether the application should see it; when not, demand has been handled here
     */
    private boolean admitInbound(SessionLink l, boolean binary, long bytes, String text) {
        SessionState.Phase phase = state.phase();
        if (phase == SessionState.Phase.CLOSED || l != state.link()) {
            return false; // an old connection's late message: the session has moved on
        }
        long now = context.clock().nanoTime();
        l.lastInboundNanos = now;
        messagesIn++;
        bytesIn += bytes;
        context.counters().messageReceived(this, binary, (int) Math.min(bytes, Integer.MAX_VALUE));
        if (phase == SessionState.Phase.CLOSING || phase == SessionState.Phase.HELD) {
            return false; // the transport reads on by itself until the peer's close frame arrives
        }
        if (!l.limiter.tryAcquire(now)) {
            rateLimited++;
            context.counters().rateLimited(this);
            runHandler(() -> context.handler().onRateLimited(this, text));
            if (l.limiter.refusedIsFlood(now)) {
                context.counters().error(ErrorKind.RATE_LIMIT_FLOOD, this, "refused more than twice the burst");
                beginClose(l, CloseStatus.RATE_LIMIT_EXCEEDED, true);
            }
            demandNext(l);
            return false;
        }
        return true;
    }

    /**
     * Asks the transport of the connection it is on for the next message, unless the application
     * suspended reading or the hub's overload holds it ({@link QueueBudget#mayRead}). Once the hub closes, the transport reads on by itself so that the peer's
     * close frame arrives ({@link io.wshub.spi.InboundPipeline#readUntilClose()}).
     */
    void demandNext() {
        demandNext(state.link());
    }

    private void demandNext(SessionLink l) {
        if (state.mayDemand(l) && context.budget().mayRead(this)) {
            l.connection.demand();
        }
    }

    /**
     * The hub's overload that held this session's next read is over: it reads on, from the
     * connection it is on now. Its silence while held was the hub's doing, so the heartbeat counts
     * from now.
     */
    void readAgain() {
        SessionLink l = state.link();
        if (l != SessionLink.DETACHED) { // a held session reads nothing, and the stand-in keeps no time
            l.lastInboundNanos = context.clock().nanoTime();
        }
        if (state.mayDemand(l)) {
            l.connection.demand();
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
            beginClose(null, CloseStatus.SERVER_ERROR, true);
            return false;
        }
    }

    // ---- closing ----

    /**
     * Starts closing a connection: after its queue drains ({@code drain}) or at once, discarding it.
     *
     * @param l the connection, or null for the one the session is on
     * @return false if it was already closing or closed, or is not the session's any more
     */
    boolean beginClose(SessionLink l, CloseStatus status, boolean drain) {
        SessionLink target = state.close(l, status, context.clock().nanoTime());
        if (target == null) {
            return false;
        }
        if (drain) {
            target.streams.failUnended(new ClosedChannelException());
            target.writer.closeAfterDrain(status);
        } else {
            target.streams.failAll(new ClosedChannelException());
            target.writer.terminate();
            sendCloseFrame(target, status);
        }
        return true;
    }

    /** Sends the close frame once the current work is done (see {@link Deferral}). */
    private void sendCloseFrame(SessionLink l, CloseStatus status) {
        state.closeSent(context.clock().nanoTime());
        Deferral.later(() -> l.connection.close(status));
    }

    /**
     * Drops the connection the session is on; see {@link #abort(SessionLink, CloseStatus)}.
     */
    boolean abort(CloseStatus status) {
        return abort(state.link(), status);
    }

    /**
     * Drops a connection, once, as soon as the current work is done (see {@link Deferral}); the
     * transport reports the close. The peer is not reading, so the transport discards what the
     * kernel still holds for it instead of keeping it until the peer reads.
     *
     * @return whether this ended an open connection (false if it was closing or closed already, or not the session's)
     */
    boolean abort(SessionLink l, CloseStatus status) {
        SessionState.Abort decision = state.abort(l, status, context.clock().nanoTime());
        if (decision != SessionState.Abort.NOTHING) {
            l.writer.terminate();
            Deferral.later(l.connection::abort);
        }
        return decision == SessionState.Abort.END_AND_DROP;
    }

    /** Leaves what was queued, then sends the notice and the 1001 close; see {@link Hub#shutdown}. */
    void shutdown() {
        if (!state.shutdownNotice()) {
            return; // not open (yet), or the shutdown sequence and the opening thread both got here
        }
        runHandler(() -> context.handler().onShutdown(this));
        beginClose(null, CloseStatus.SERVER_SHUTDOWN, true);
    }

    /** Whether the application's {@code onOpen} is owed (its {@code onOpen} ran). */
    boolean handlerOpened() {
        return state.handlerOpened();
    }

    /** The hub's periodic check: the resume window, write timeout, close timeout, heartbeat, a resume awaited. */
    void tick(long now) {
        SessionState.Phase phase = state.phase();
        if (phase == SessionState.Phase.CLOSED) {
            return;
        }
        var o = context.options();
        if (delivery != null) {
            delivery.trim(now);
            if (phase == SessionState.Phase.HELD) {
                CloseStatus expired = state.expire(now, o.resumeWindow().toNanos());
                if (expired != null) {
                    context.counters().expired.increment();
                    Deferral.later(() -> context.ends().sessionEnded(this, expired, true));
                }
                return;
            }
            if (delivery.awaitedLongerThan(now, o.handshakeTimeout().toNanos())) {
                Function<Resumption, Message> answer = delivery.takeAnswer();
                if (answer != null) {
                    finishResume(answer, Map.of(), null); // live traffic, everything not recovered
                }
            }
        }
        SessionLink l = state.link();
        long writeStarted = l.writer.writeStartedNanos();
        if (writeStarted != 0 && now - writeStarted > o.writeTimeout().toNanos()) {
            if (abort(l, CloseStatus.WRITE_TIMEOUT)) {
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
                abort(l, state.closeStatus());
            }
            return;
        }
        if (now - l.lastInboundNanos > o.pongTimeout().toNanos() && !context.budget().holds(this)) {
            context.counters().error(ErrorKind.HEARTBEAT_TIMEOUT, this, "silent for " + o.pongTimeout());
            beginClose(l, CloseStatus.HEARTBEAT_TIMEOUT, false);
            return;
        }
        if (now - l.lastPingNanos >= o.pingInterval().toNanos()) {
            l.lastPingNanos = now;
            l.connection.ping(NO_PAYLOAD.duplicate());
        }
    }

    /**
     * Ends it now if it is held (the hub's shutdown is over); see {@link SessionState#endHeld()}.
     *
     * @return the status its end reports, or null when it was not held
     */
    CloseStatus endIfHeld() {
        return state.endHeld();
    }

    /** Called by the hub once the session left its rooms, with the rooms it was in. */
    void leftRooms(Set<String> left) {
        roomsAtClose = Set.copyOf(left);
    }

    long openedNanos() {
        return openedNanos;
    }

    // ---- what a connection's writer reports ----

    void written(int textMessages, int binaryMessages, long bytes) {
        context.counters().messagesWritten(this, textMessages, binaryMessages, bytes);
    }

    void droppedOldest(int messages) {
        context.counters().dropped(this, OverflowPolicy.DROP_OLDEST, messages);
        context.tracing().dropped(this, OverflowPolicy.DROP_OLDEST, messages);
    }

    void refusedNewest() {
        context.counters().dropped(this, OverflowPolicy.DROP_NEWEST, 1);
        context.tracing().dropped(this, OverflowPolicy.DROP_NEWEST, 1);
    }

    /**
     * The queue overflowed under the disconnect policy: the connection is dropped, not closed with a
     * handshake, because a close frame would wait behind everything the peer is not reading and the
     * kernel would keep those bytes for as long as the peer stays connected.
     */
    void overflowed(SessionLink l) {
        if (abort(l, CloseStatus.SLOW_CONSUMER)) {
            context.counters().slowConsumer(this, CloseStatus.SLOW_CONSUMER);
            context.tracing().slowConsumer(this);
        }
    }

    void writeFailed(SessionLink l, Throwable cause) {
        log.debug("write failed on {}", this, cause);
        context.counters().error(ErrorKind.TRANSPORT, this, String.valueOf(cause));
        abort(l, CloseStatus.ABNORMAL);
    }

    void drainedForClose(SessionLink l, CloseStatus status) {
        sendCloseFrame(l, status);
    }

    void conflated() {
        context.counters().conflated.increment();
    }

    /** A connection's queue crossed a mark: the application hears it while that connection is the session's. */
    void writabilityChanged(SessionLink l, boolean writable) {
        if (l == state.link() && isOpen()) {
            runHandler(() -> context.handler().onWritabilityChanged(this, writable));
        }
    }
}
