package io.wshub.internal;

import io.wshub.AddressLimits;
import io.wshub.Authenticator;
import io.wshub.CloseStatus;
import io.wshub.Departure;
import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.HubStats;
import io.wshub.OriginPolicy;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.Rooms;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.spi.Admission;
import io.wshub.spi.Broker;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.DeliveryStore;
import io.wshub.spi.Scheduler;
import io.wshub.spi.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@link Hub}: admission of upgrades, the session registry, hub-wide fan-out and private
 * messages, and the bridge to the broker. Rooms, the ticker and shutdown are its parts; each is
 * given what it needs when it is made, and none calls back into the hub but through
 * {@link SessionContext.Ends} and {@link Reservation}'s open and end.
 */
final class DefaultHub implements Hub, ConnectionAcceptor, Broker.Delivery, SessionContext.Ends {

    private static final Logger log = LoggerFactory.getLogger(DefaultHub.class);

    /**
     * A fan-out to more recipients than this hands their writes to the flush executor, spreading
     * the syscalls over the cores; a smaller one writes on the caller's thread, which is cheaper
     * than a hand-off.
     */
    static final int DISPATCH_THRESHOLD = 4;
    /**
     * How long the timer may miss its ticks, or a flush lane hold work without finishing a task,
     * before the hub says it is stalled. Far beyond any honest pause (a full GC, a tick over
     * 10 000 sessions), well within the time a load balancer's health checks give a node.
     */
    static final Duration STALL_LIMIT = Duration.ofSeconds(10);
    /** Refused upgrades and session ends are logged at INFO up to this many per {@link #LOG_WINDOW}. */
    static final int LOGGED_PER_WINDOW = 10;
    static final Duration LOG_WINDOW = Duration.ofSeconds(10);
    /** Closes a resume that opened after its session ended (its window passed meanwhile); the client starts afresh. */
    static final CloseStatus RESUMED_SESSION_ENDED = new CloseStatus(1013, "Session ended");

    private final HubOptions options;
    private final HubHandler handler;
    private final Authenticator authenticator;
    private final OriginPolicy originPolicy;
    private final BrokerCalls broker;
    private final HubCounters counters;
    private final Tracing tracing;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final FlushLanes ownedFlushExecutor;
    private final SessionRegistry registry;
    private final SessionContext sessions;
    private final RoomRegistry rooms;
    private final ResumeAdmission resumes;
    private final HubTicker ticker;
    private final ShutdownSequence shutdown;
    private final long startedNanos;
    private final SampledLog refusals;
    private final SampledLog ends;
    private final ClientAddresses clientAddresses;
    private final AddressLimiter addressLimiter;
    /** Whether the store keeps held sessions for other nodes once this one stops. */
    private final boolean heldOutliveNode;
    /** The stream limit its connections' pipelines take, or 0 when the handler takes whole messages. */
    private final long maxStreamBytes;
    /** Whether the handler promised never to block, asked once. */
    private final boolean neverBlocks;

    /** What {@link Reservation#maxStreamBytes()} tells the transport: 0 when the handler takes whole messages. */
    long maxStreamBytes() {
        return maxStreamBytes;
    }

    /**
     * What {@link Reservation#neverBlocks()} tells the transport: the handler's word. The hub's own
     * handling never blocks, nor do its broker's and store's calls (their contracts).
     */
    boolean neverBlocks() {
        return neverBlocks;
    }

    DefaultHub(HubOptions options, HubHandler handler, Authenticator authenticator, OriginPolicy originPolicy,
               Broker broker, DeliveryStore store, HubCounters counters, Tracing tracing, Scheduler scheduler,
               boolean ownsScheduler, Executor flushExecutor, FlushLanes ownedFlushExecutor) {
        this.options = options;
        this.handler = handler;
        this.maxStreamBytes = handler.streamsMessages() ? options.maxStreamBytes() : 0;
        this.neverBlocks = handler.neverBlocks();
        this.authenticator = authenticator;
        this.originPolicy = originPolicy;
        this.broker = new BrokerCalls(broker, counters, tracing);
        this.counters = counters;
        this.tracing = tracing;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.ownedFlushExecutor = ownedFlushExecutor;
        this.registry = new SessionRegistry(options.maxConnections());
        this.clientAddresses = new ClientAddresses(options.trustedProxies());
        this.addressLimiter = new AddressLimiter(options.addressLimits(), AddressLimits.TRACKED_ADDRESSES,
                options.maxConnections(), scheduler.nanoTime());
        // Held sessions have no queue: the budget's average is over the sessions on a connection.
        QueueBudget budget = new QueueBudget(options.maxTotalQueuedBytes(), options.maxQueuedMessages(),
                options.maxQueuedBytes(), counters.queuedBytes, registry::connectedCount, scheduler::nanoTime,
                HubTicker.periodFor(options));
        Deliveries deliveries = new Deliveries(options.deliveryPolicies());
        boolean clusterOrdered = options.historyOn() && this.broker.sequencesRooms(); // rooms' histories are the broker's
        this.rooms = new RoomRegistry(this, this.broker, scheduler::nanoTime, tracing, !options.historyOn() || clusterOrdered
                ? RoomRegistry.Histories.OFF
                : room -> new History(store.roomHistory(room, options.roomHistory()), counters.historyMessages,
                        counters.historyBytes), deliveries,
                clusterOrdered ? new ClusterRooms(this.broker, options.roomHistory()) : null);
        this.sessions = new SessionContext(this, options, handler, counters, scheduler::nanoTime, flushExecutor, this,
                tracing, new MessageHandling(counters, tracing, scheduler::nanoTime), budget, deliveries, store, rooms);
        this.resumes = new ResumeAdmission(store, registry);
        this.heldOutliveNode = store.outlivesNode();
        this.ticker = new HubTicker(registry, scheduler, options, counters, addressLimiter, budget, rooms::trimHistories);
        this.shutdown = new ShutdownSequence(registry, scheduler, options.shutdownCloseRate(), this::endHeldSessions,
                this::stopParts,
                this::stopScheduler);
        this.startedNanos = scheduler.nanoTime();
        this.refusals = new SampledLog(log, "refused upgrades", LOGGED_PER_WINDOW, LOG_WINDOW, startedNanos);
        this.ends = new SampledLog(log, "session ends", LOGGED_PER_WINDOW, LOG_WINDOW, startedNanos);
    }

    void start() {
        broker.start(this);
        ticker.start();
    }

    // ---- Hub ----

    @Override
    public HubOptions options() {
        return options;
    }

    @Override
    public Optional<Session> session(String id) {
        return Optional.ofNullable(registry.visible(id));
    }

    @Override
    public Collection<Session> sessions() {
        return registry.live().stream().filter(s -> s.isVisible() && !s.isHeld()).map(Session.class::cast).toList();
    }

    @Override
    public int sessionCount() {
        return registry.connectedCount();
    }

    @Override
    public Rooms rooms() {
        return rooms;
    }

    @Override
    public int broadcast(Message frame, Session except) {
        Objects.requireNonNull(frame, "frame");
        String exceptId = except == null ? null : except.id();
        int queued = deliverLocal(frame, exceptId);
        broker.publishBroadcast(frame, exceptId);
        return queued;
    }

    @Override
    public SendResult sendTo(String sessionId, Message frame) {
        Objects.requireNonNull(frame, "frame");
        HubSession local = sessionId == null ? null : registry.visible(sessionId);
        if (local != null) {
            return local.send(frame);
        }
        if (sessionId == null) {
            return SendResult.NOT_FOUND;
        }
        return broker.publishPrivate(sessionId, frame) ? SendResult.FORWARDED : SendResult.NOT_FOUND;
    }

    @Override
    public SendResult sendTo(String sessionId, Positioned message) {
        Objects.requireNonNull(message, "message");
        HubSession local = sessionId == null ? null : registry.visible(sessionId);
        if (local != null) {
            return local.deliverPrivate(message);
        }
        if (sessionId == null) {
            return SendResult.NOT_FOUND;
        }
        return broker.publishPrivate(sessionId, message) ? SendResult.FORWARDED : SendResult.NOT_FOUND;
    }

    @Override
    public void reportError(ErrorKind kind, Session session, String detail) {
        counters.error(Objects.requireNonNull(kind, "kind"), session, detail);
    }

    @Override
    public void reportMessageType(Session session, String type) {
        if (session instanceof HubSession s && s.hub() == this) {
            s.handledType(type);
        }
    }

    @Override
    public HubStats stats() {
        return new HubStats(registry.connectedCount(), rooms.count(), counters.connects.sum(), counters.disconnects.sum(),
                counters.messagesIn.sum(), counters.bytesIn.sum(), counters.messagesOut.sum(), counters.bytesOut.sum(),
                Math.max(0, counters.queuedBytes.sum()), options.maxTotalQueuedBytes(), sessions.budget().isOverloaded(),
                sessions.budget().sessionsBehind(), sessions.budget().overloads(), counters.conflated.sum(),
                counters.droppedNewest.sum(), counters.droppedOldest.sum(),
                counters.slowConsumers.sum(), counters.rateLimited.sum(), counters.errorCounts(), broker.isUp(),
                shutdown.isStarted(), Duration.ofNanos(scheduler.nanoTime() - startedNanos), stall(),
                counters.deliveryStats(registry.heldCount()));
    }

    /** Why the hub's own threads are not making progress, or "" while they are. */
    private String stall() {
        long limit = STALL_LIMIT.toNanos();
        Optional<String> timer = ticker.stall(scheduler.nanoTime(), limit);
        if (timer.isPresent()) {
            return timer.get();
        }
        return ownedFlushExecutor == null ? "" : ownedFlushExecutor.stall(System.nanoTime(), limit).orElse("");
    }

    @Override
    public ConnectionAcceptor acceptor() {
        return this;
    }

    @Override
    public boolean isShuttingDown() {
        return shutdown.isStarted();
    }

    @Override
    public CompletableFuture<Void> shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        return shutdown.begin(grace);
    }

    // ---- admission ----

    @Override
    public Admission admit(Handshake upgrade) {
        Handshake handshake = clientAddresses.resolve(upgrade);
        Tracing.Span span = tracing.upgrade(handshake);
        try {
            Admission admission = decide(handshake);
            if (admission instanceof Admission.Refused refused) {
                counters.upgradeRefused(handshake, refused.status(), refused.reason());
                refusals.info(scheduler.nanoTime(), "refused an upgrade from {} to {}: {} {}", handshake.remoteAddress(),
                        handshake.path(), refused.status(), refused.reason());
                span.refused(refused.status(), refused.reason());
            } else {
                span.accepted(((Admission.Accepted) admission).sessionId());
            }
            return admission;
        } finally {
            span.end();
        }
    }

    /**
     * The per-address limits come first, before anything that costs (the authenticator, the
     * broker's claim): the address's session, taken here, is given back unless a reservation
     * holds it.
     */
    private Admission decide(Handshake handshake) {
        if (isShuttingDown()) {
            return new Admission.Refused(503, Admission.Refused.SHUTTING_DOWN);
        }
        if (!broker.isJoined()) {
            return new Admission.Refused(503, "Node is joining its cluster");
        }
        Admission.Refused limited = addressLimiter.acquire(handshake.remoteAddress(), scheduler.nanoTime());
        if (limited != null) {
            return limited;
        }
        Admission admission = null;
        try {
            admission = decideWithinAddressLimits(handshake);
            return admission;
        } finally {
            if (!(admission instanceof Admission.Accepted)) {
                addressLimiter.release(handshake.remoteAddress(), scheduler.nanoTime());
            }
        }
    }

    private Admission decideWithinAddressLimits(Handshake handshake) {
        if (!originPolicy.allows(handshake)) {
            return new Admission.Refused(403, Admission.Refused.ORIGIN_NOT_ALLOWED);
        }
        Authenticator.Result auth;
        try {
            auth = authenticator.authenticate(handshake);
        } catch (RuntimeException e) {
            log.warn("authenticator failed on {}", handshake, e);
            return new Admission.Refused(500, "Authentication failed");
        }
        if (auth == null || !auth.accepted()) {
            int status = auth == null ? 403 : auth.status();
            String reason = auth == null || auth.reason().isEmpty() ? (status == 401 ? "Unauthorized" : "Forbidden") : auth.reason();
            return new Admission.Refused(status, reason);
        }
        if (options.resumeOn()) {
            HubSession resumed = resumes.sessionToResume(handshake, auth); // a valid token wins over ?id=
            if (resumed != null) {
                Reservation r = new Reservation(this, resumed.id(), handshake, auth.principal(), scheduler.nanoTime(),
                        options.maxMessageBytes(), resumed);
                registry.pendResume(r);
                return r;
            }
            Admission moved = takeOver(handshake, auth);
            if (moved != null) {
                return moved;
            }
        }
        String requested = null;
        if (!options.sessionIdParameter().isEmpty()) {
            List<String> values = handshake.queryParameters().get(options.sessionIdParameter());
            if (values != null) {
                if (values.size() != 1 || !SessionIds.isValid(values.get(0))) {
                    return new Admission.Refused(400, "Invalid session id: give it once, 1-64 of [A-Za-z0-9_.-]");
                }
                requested = values.get(0);
            }
        }
        if (auth.sessionId() != null) {
            if (!SessionIds.isValid(auth.sessionId())) {
                return new Admission.Refused(403, "Invalid session id in the credentials");
            }
            if (requested != null && !requested.equals(auth.sessionId())) {
                return new Admission.Refused(403, "Session id does not match the credentials");
            }
            requested = auth.sessionId();
            endIfHeld(requested); // the credentials' own session, held: they take its id back afresh
        }
        if (!registry.takeSlot()) {
            return new Admission.Refused(503, Admission.Refused.TOO_MANY_CONNECTIONS);
        }
        for (;;) {
            String id = requested != null ? requested : SessionIds.generate();
            Reservation r = new Reservation(this, id, handshake, auth.principal(), scheduler.nanoTime(),
                    options.maxMessageBytes(), null);
            if (registry.claim(r)) {
                if (broker.claimSessionId(id)) {
                    return r;
                }
                registry.unclaim(r);
            }
            if (requested != null) {
                registry.releaseSlot();
                return new Admission.Refused(409, "Session id taken");
            }
        }
    }

    /**
     * Takes over, for this upgrade's token, a session another node holds: claims its id here (the
     * other node has let it go) and a slot for it; null when the token takes no session over. A
     * session taken over that cannot be served here (no slot, its id busy) is refused with 503: the
     * client tries again, and its token is used up, so it starts afresh.
     */
    private Admission takeOver(Handshake handshake, Authenticator.Result auth) {
        DeliveryStore.Transfer t;
        try {
            t = resumes.transferToResume(handshake, auth);
        } catch (RuntimeException e) {
            counters.error(ErrorKind.BROKER, null, "takeOver: " + e);
            return null;
        }
        if (t == null) {
            return null;
        }
        if (!registry.takeSlot()) {
            return new Admission.Refused(503, Admission.Refused.TOO_MANY_CONNECTIONS);
        }
        Reservation r = new Reservation(this, t.sessionId(), handshake, auth.principal(), scheduler.nanoTime(),
                options.maxMessageBytes(), null, t.rooms());
        if (registry.claim(r)) {
            if (broker.claimSessionId(t.sessionId())) {
                return r;
            }
            registry.unclaim(r);
        }
        registry.releaseSlot();
        return new Admission.Refused(503, "Session is moving; try again");
    }

    /**
     * A fresh connection whose credentials name a session this node holds for resume ends that
     * session now (its rooms hear it leave) and takes its id: the client came back without its resume
     * token, and holding the id against its own owner until the window ends would only lock it out.
     * A {@code ?id=} without credentials proves no ownership: it finds the id taken (409).
     */
    private void endIfHeld(String id) {
        HubSession held = registry.live(id);
        CloseStatus status = held == null ? null : held.endIfHeld();
        if (status != null) {
            Deferral.Scope scope = Deferral.enter();
            try {
                sessionEnded(held, status, true);
            } finally {
                scope.exit();
            }
        }
    }

    /** A reservation's connection opened. */
    ConnectionListener open(Reservation r, Connection connection) {
        if (r.resumes != null) {
            return resumeOpen(r, connection);
        }
        HubSession s = new HubSession(sessions, r.sessionId(), r.handshake, r.principal, connection);
        registry.activate(r, s);
        counters.sessionOpened(s);
        if (isShuttingDown()) {
            s.beginClose(null, CloseStatus.SERVER_SHUTDOWN, true);
            s.demandNext();
            return s.link();
        }
        if (r.transferredRooms != null) {
            s.openTransferred(r.transferredRooms); // resumed: back in its rooms, its onResumed instead of onOpen
            ends.info(scheduler.nanoTime(), "session {} resumed from {}, taken over from another node", s.id(),
                    r.handshake.remoteAddress());
            registry.shown(s);
        } else {
            s.holdFanOuts();
            registry.showOpening(s); // a broadcast from a peer its onOpen told of must reach it
            s.open();
        }
        if (isShuttingDown()) {
            s.shutdown(); // shutdown began while it opened and may not have seen it
        }
        s.demandNext();
        return s.link();
    }

    /**
     * A resume opened: the session moves to the new connection (see {@link HubSession#resumeOn}),
     * which it reads from once the application's {@code onResumed} has sent its first frames. It
     * counts against the new connection's address from now on, which its reservation took, and no
     * longer against the old one's.
     */
    private ConnectionListener resumeOpen(Reservation r, Connection connection) {
        registry.unpend(r);
        HubSession s = r.resumes;
        boolean wasHeld = s.isHeld();
        InetSocketAddress before = s.handshake().remoteAddress();
        SessionLink link = s.resumeOn(connection, r.handshake, r.principal);
        if (link == null) {
            addressLimiter.release(r.handshake.remoteAddress(), scheduler.nanoTime());
            return new RefusedConnection(connection, RESUMED_SESSION_ENDED);
        }
        addressLimiter.release(before, scheduler.nanoTime());
        if (wasHeld) {
            registry.held(false);
        }
        counters.sessionResumed(s, !wasHeld);
        ends.info(scheduler.nanoTime(), "session {} resumed from {}{}", s.id(), r.handshake.remoteAddress(),
                wasHeld ? "" : ", taking over its open connection");
        if (isShuttingDown()) {
            s.shutdown(); // shutdown began while it opened and may not have seen it
        }
        s.demandNext();
        return link;
    }

    /**
     * A reservation ended without opening: frees its address's session and, unless it was a resume
     * (whose session keeps them), its id, here and across the cluster, and its slot.
     */
    void reservationEnded(Reservation r) {
        addressLimiter.release(r.handshake.remoteAddress(), scheduler.nanoTime());
        if (r.resumes != null) {
            registry.unpend(r); // the session keeps its id and slot, and its window counts on
            r.resumes.resumeAbandoned();
            return;
        }
        registry.release(r);
        broker.releaseSessionId(r.sessionId());
    }

    /** A session's connection ended, not for good: it is held for the resume window. */
    @Override
    public void sessionHeld(HubSession s, CloseStatus status) {
        if (s.hasMoved()) { // its old connection, closed as another node took the session over
            CloseStatus ended = s.endIfHeld();
            if (ended != null) {
                registry.held(true);
                sessionEnded(s, ended, true);
            }
            return;
        }
        registry.held(true);
        counters.sessionHeld(s, status);
        ends.info(scheduler.nanoTime(), "session {} from {} held for resume: {} {}", s.id(),
                s.handshake().remoteAddress(), status.code(), status.reason());
        if (s.handlerOpened()) {
            s.runHandler(() -> handler.onHeld(s, status));
        }
        shutdown.sessionGone();
    }

    /** The session ended: its connection for good, or its resume window. */
    @Override
    public void sessionEnded(HubSession s, CloseStatus status, boolean wasHeld) {
        if (wasHeld) {
            registry.held(false);
        }
        registry.remove(s);
        addressLimiter.release(s.handshake().remoteAddress(), scheduler.nanoTime());
        sessions.budget().forget(s);
        s.leftRooms(rooms.leaveAll(s));
        s.discardDelivery();
        broker.releaseSessionId(s.id());
        Duration connectedFor = Duration.ofNanos(scheduler.nanoTime() - s.openedNanos());
        counters.sessionClosed(s, status, connectedFor);
        if (s.hasMoved()) { // it lives on, on another node: nobody here is told it left
            ends.info(scheduler.nanoTime(), "session {} moved to another node", s.id());
            shutdown.sessionGone();
            return;
        }
        ends.info(scheduler.nanoTime(), "session {} from {} ended: {} {} after {} ms", s.id(),
                s.handshake().remoteAddress(), status.code(), status.reason(), connectedFor.toMillis());
        if (s.handlerOpened()) {
            s.runHandler(() -> handler.onClose(s, status));
        }
        shutdown.sessionGone();
    }

    // ---- Broker.Delivery ----

    @Override
    public void deliverBroadcast(Message frame, String exceptSessionId) {
        deliverBroadcast(frame, exceptSessionId, null);
    }

    @Override
    public void deliverRoom(String room, Message frame, String exceptSessionId) {
        deliverRoom(room, frame, exceptSessionId, null);
    }

    @Override
    public boolean deliverPrivate(String sessionId, Message frame) {
        return deliverPrivate(sessionId, frame, null);
    }

    @Override
    public void deliverBroadcast(Message frame, String exceptSessionId, Map<String, String> traceContext) {
        Tracing.Span span = tracing.received(Tracing.BrokerHop.BROADCAST, null, traceContext);
        try {
            deliverLocal(frame, exceptSessionId);
        } finally {
            span.end();
        }
    }

    @Override
    public void deliverRoom(String room, Message frame, String exceptSessionId, Map<String, String> traceContext) {
        Tracing.Span span = tracing.received(Tracing.BrokerHop.ROOM, room, traceContext);
        try {
            rooms.deliverLocal(room, frame, exceptSessionId);
        } finally {
            span.end();
        }
    }

    @Override
    public void deliverSequenced(String room, Position position, Message frame, String exceptSessionId,
                                 Map<String, String> traceContext) {
        Tracing.Span span = tracing.received(Tracing.BrokerHop.ROOM, room, traceContext);
        try {
            rooms.deliverSequenced(room, position, frame, exceptSessionId);
        } finally {
            span.end();
        }
    }

    @Override
    public boolean deliverPrivate(String sessionId, Message frame, Map<String, String> traceContext) {
        return deliverPrivate(sessionId, frame, null, traceContext);
    }

    @Override
    public boolean deliverPrivate(String sessionId, Positioned message, Map<String, String> traceContext) {
        return deliverPrivate(sessionId, null, message, traceContext);
    }

    /** Sends the plain frame, or else puts the positioned message into the session's inbox (also while it is held). */
    private boolean deliverPrivate(String sessionId, Message plain, Positioned positioned, Map<String, String> traceContext) {
        HubSession s = registry.visible(sessionId);
        if (s == null) {
            return false;
        }
        Tracing.Span span = tracing.received(Tracing.BrokerHop.PRIVATE, sessionId, traceContext);
        try {
            if (plain != null) {
                s.send(plain);
            } else {
                s.deliverPrivate(positioned);
            }
        } finally {
            span.end();
        }
        return true;
    }

    @Override
    public void sessionDeparted(Departure departure) {
        try {
            handler.onDeparture(this, departure);
        } catch (RuntimeException e) {
            log.warn("the handler's onDeparture failed for session {}", departure.sessionId(), e);
            counters.error(ErrorKind.HANDLER, null, "onDeparture: " + e);
        }
    }

    @Override
    public void sessionMoved(String sessionId) {
        HubSession s = registry.live(sessionId);
        if (s == null) {
            return;
        }
        Deferral.Scope scope = Deferral.enter();
        try {
            CloseStatus held = s.moveAway();
            if (held != null) {
                sessionEnded(s, held, true);
            }
        } finally {
            scope.exit();
        }
    }

    @Override
    public boolean hasSession(String sessionId) {
        return registry.visible(sessionId) != null;
    }

    @Override
    public void reportFailure(String detail) {
        counters.error(ErrorKind.BROKER, null, detail);
    }

    @Override
    public void reportPublished(boolean succeeded) {
        counters.brokerPublished(succeeded);
    }

    @Override
    public void reportCanaryAnswered(long roundTripNanos) {
        counters.brokerCanaryAnswered(roundTripNanos);
    }

    @Override
    public void reportBreakerState(String breaker, Broker.BreakerState state) {
        counters.brokerBreakerState(breaker, state);
    }

    @Override
    public void reportBreakerCall(String breaker, Broker.BreakerCall outcome) {
        counters.brokerBreakerCall(breaker, outcome);
    }

    // ---- parts ----

    private int deliverLocal(Message frame, String exceptId) {
        boolean dispatch = registry.liveCount() > DISPATCH_THRESHOLD;
        long now = scheduler.nanoTime();
        Delivery delivery = sessions.deliveries().forSessions(frame);
        int queued = 0;
        Tracing.Span span = tracing.fanOut(null);
        Deferral.Scope scope = Deferral.enter(); // recipients that overflow are closed after the fan-out
        try {
            for (int i = 0; i < SessionRegistry.STRIPES; i++) {
                for (HubSession s : registry.visibleStripe(i)) {
                    if (!s.id().equals(exceptId) && s.offer(frame, delivery, dispatch, now) == SendResult.QUEUED) {
                        queued++;
                    }
                }
            }
        } finally {
            scope.exit();
            span.recipients(queued);
            span.end();
        }
        return queued;
    }

    /**
     * The shutdown is over: the sessions it held end now (nothing can resume them any more on this
     * node), or, with a store they outlive this node in, are handed over to it.
     */
    private void endHeldSessions() {
        Deferral.Scope scope = Deferral.enter();
        try {
            for (HubSession s : registry.live()) {
                CloseStatus status = s.endIfHeld();
                if (status != null && heldOutliveNode) {
                    handedOver(s, status);
                } else if (status != null) {
                    sessionEnded(s, status, true);
                }
            }
        } finally {
            scope.exit();
        }
    }

    /**
     * A held session left to the store at shutdown ({@link DeliveryStore#outlivesNode}): this node
     * forgets it, and tells neither its rooms, the broker nor the store, which keep it for a resume
     * on another node.
     */
    private void handedOver(HubSession s, CloseStatus status) {
        registry.held(false);
        registry.remove(s);
        addressLimiter.release(s.handshake().remoteAddress(), scheduler.nanoTime());
        sessions.budget().forget(s);
        counters.sessionClosed(s, status, Duration.ofNanos(scheduler.nanoTime() - s.openedNanos()));
        ends.info(scheduler.nanoTime(), "session {} from {} left held in the cluster, for a resume on another node",
                s.id(), s.handshake().remoteAddress());
    }

    /** Stops the ticker, the broker and the flush threads the hub made. */
    private void stopParts() {
        ticker.stop();
        broker.stop();
        if (ownedFlushExecutor != null) {
            ownedFlushExecutor.shutdown();
        }
    }

    /** Stops the timer thread if the hub made it (a scheduler passed in belongs to its owner). */
    private void stopScheduler() {
        if (ownsScheduler) {
            scheduler.shutdown();
        }
    }
}
