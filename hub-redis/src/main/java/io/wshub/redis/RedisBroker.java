package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.wshub.Departure;
import io.wshub.HealthCheck;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wshub.HistoryLimits;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.spi.Broker;
import io.wshub.spi.Broker.BreakerCall;
import io.wshub.spi.Broker.BreakerState;
import io.wshub.spi.TracedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The broker for a hub running on several nodes: broadcasts, room messages and private messages
 * cross between nodes through Redis pub/sub, and session ids and room member lists are
 * cluster-wide. Give each node's hub its own broker, all with the same Redis and key prefix:
 *
 * <pre>{@code
 * Hub hub = Hub.builder()
 *         .handler(RoomProtocol.router().build())
 *         .broker(new RedisBroker(RedisBrokerOptions.of("redis://redis.internal:6379")))
 *         .build();
 * }</pre>
 *
 * <p>What it promises:
 * <ul>
 *   <li>Each publication is sent once and delivered by every other node to its own sessions; a
 *       node skips its own. Frames keep their kind (text or binary) and their exact bytes.</li>
 *   <li>Messages published by one node arrive at every other node in the order it published
 *       them: per sender, per room, in order.</li>
 *   <li>A room's messages go on its own channel, which a node subscribes to only while it has
 *       members in the room: a node reads none of the messages of the rooms it has no member in.
 *       A join reads the room's position (or, with room history off, is answered) only once its
 *       node's subscription stands, so that every message after that position (or that answer)
 *       reaches it (docs/scaling.md, "Routing by interest").</li>
 *   <li>A publication's trace context crosses with it, unchanged, to the other nodes' delivery.
 *       Nodes of an earlier version cannot read a message that carries one: turn tracing on once
 *       every node runs this one.</li>
 *   <li>Member lists and private-message targets are answered from a local view that
 *       announcements keep current and a refresh every {@code refreshInterval} repairs; a crashed
 *       node's sessions leave it within {@link RedisBrokerOptions#staleBound()}.</li>
 *   <li>A session id is claimed in Redis before the hub accepts it: an id held on any node is
 *       refused (the upgrade gets 409). The claim waits at most {@code commandTimeout}.</li>
 *   <li>Every Redis call that something waits for (the claim of a session id, a room's history
 *       read for a join or a resume, a resume's take-over of a session) goes through a circuit breaker
 *       (Resilience4j's, named {@code redis}, set by {@link RedisBrokerOptions.Breaker}): after too
 *       many failed or slow calls it opens and those calls fail at once; the node's own
 *       {@code PING}s close it again once Redis answers. {@link #breakerCheck()} shows its state.</li>
 *   <li>Nothing waits on an unreachable Redis. Publications then fail at once and are counted
 *       ({@code ErrorKind.BROKER}), {@link #isUp()} is false (the node reports itself degraded),
 *       local delivery goes on, and when Redis is back the node subscribes again, writes its ids
 *       and memberships again, and is up again by itself.</li>
 *   <li>Until the node has joined its cluster (subscribed, registered, the others' entries read)
 *       {@link #isJoined()} is false and the hub refuses clients with 503, for at most
 *       {@code startupTimeout}; after that the node serves them degraded and logs why.</li>
 *   <li>Every {@code canaryInterval} the node publishes a canary to itself on its bus; its health
 *       checks ({@link #pingCheck()}, {@link #canaryCheck()}, {@link #joinCheck()}) tell whether
 *       Redis answers, whether the subscription still delivers, and whether the node has joined.</li>
 * </ul>
 *
 * <p>Served by hub-operations' health path and its readiness probe:
 *
 * <pre>{@code
 * RedisBroker broker = new RedisBroker(RedisBrokerOptions.of("redis://redis.internal:6379"));
 * Hub hub = Hub.builder().handler(RoomProtocol.router().build()).broker(broker).build();
 * WshubHandler wshub = WshubHandler.builder(new Server()).mount("/ws", hub).build();
 * OperationsHandler operations = OperationsHandler.builder(wshub.hubs()).health("/health").build();
 * operations.healthChecks()
 *         .add("redis:/ws", Duration.ofSeconds(2), broker.pingCheck())
 *         .add("canary:/ws", Duration.ofSeconds(2), broker.canaryCheck())
 *         .add("cluster:/ws", Duration.ofSeconds(2), broker.joinCheck())
 *         .add("breaker:redis:/ws", Duration.ofSeconds(2), broker.breakerCheck());
 * }</pre>
 *
 * <p>Redis pub/sub delivers at most once: what is published while a node is cut off never
 * reaches it (docs/scaling.md says what is lost during an outage). Redis is trusted like a
 * database: anyone who can write to it can send to any session.
 */
public final class RedisBroker extends TracedBroker {

    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    /** claim.lua's answers besides 1 (claimed). */
    private static final long CLAIM_HELD_ELSEWHERE = 0;
    private static final long CLAIM_UNREGISTERED = 2;
    /**
     * Publication bytes handed to Lettuce and not yet answered, at most. A stalled Redis leaves
     * publications unanswered for up to the command timeout; past this budget they fail at once
     * instead of filling the heap. 64 MiB is seconds of a busy node's traffic, far more than a
     * healthy Redis ever leaves unanswered.
     */
    static final long MAX_UNANSWERED_BYTES = 64L * 1024 * 1024;
    /** The shortest time a room without local members stays subscribed (see {@link #roomLinger}). */
    private static final Duration MIN_ROOM_LINGER = Duration.ofSeconds(1);
    /** Allowance over the command timeout for a claim's answer to cross threads. */
    private static final long CLAIM_MARGIN_MILLIS = 100;

    private final RedisBrokerOptions options;
    private final String nodeId;
    private final String busChannel;
    private final String inboxPrefix;
    private final String roomChannelPrefix;
    private final LocalRegistry registry;
    private final ClusterView view = new ClusterView();
    private final Scripts scripts;
    private final RedisLink link;
    private final ClusterSync sync;
    /** Bytes of publications under way; added to by hub threads, taken back by Lettuce's. */
    private final AtomicLong unansweredBytes = new AtomicLong();
    /** Set once by {@link #start} before the hub uses the broker; read by Lettuce's threads. */
    private volatile Delivery delivery;
    private final Canary canary;
    private final RedisBreaker breaker;
    private final RoomLog roomLog;
    private final RoomSubscriptions roomChannels;
    /** Messages this node read from Redis: all, and those of rooms (for the measurements and tests). */
    private final java.util.concurrent.atomic.LongAdder reads = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder roomReads = new java.util.concurrent.atomic.LongAdder();
    /** When {@link #start} ran (nanoTime); written once before the timer starts. */
    private volatile long startedNanos;
    /**
     * How long the sessions this node holds at its stop stay resumable on the others: the resume
     * window of its {@link #deliveryStore}, zero without one (they end with the node).
     */
    private volatile Duration keepHeld = Duration.ZERO;
    /** The inboxes of its {@link #deliveryStore}, through which positioned private messages go; null without one. */
    private volatile InboxWriter inboxes;
    /** The sessions its {@link #deliveryStore} took over, on their way here; null without one. */
    private volatile Arrivals arrivals;
    /** Why the node stopped waiting to join, set once by the startup timeout; empty before. */
    private volatile String gaveUpJoining = "";

    /** A broker for one node; the hub starts it (connecting to Redis) and stops it. */
    public RedisBroker(RedisBrokerOptions options) {
        this(options, false);
    }

    /**
     * A broker that reads every room's messages, as every node did before rooms were routed by
     * interest: the baseline of the measurements (docs/scaling.md), never for production.
     */
    static RedisBroker readingEveryRoom(RedisBrokerOptions options) {
        return new RedisBroker(options, true);
    }

    private RedisBroker(RedisBrokerOptions options, boolean everyRoom) {
        this.options = Objects.requireNonNull(options, "options");
        this.nodeId = options.nodeId();
        this.busChannel = options.hubPrefix() + "bus"; // the same name as busChannel in common.lua
        this.inboxPrefix = options.hubPrefix() + "inbox:";
        this.roomChannelPrefix = options.keyPrefix() + "room:{";
        long incarnation = System.currentTimeMillis();
        this.registry = new LocalRegistry(incarnation);
        this.scripts = new Scripts(options, incarnation);
        this.link = new RedisLink(options, new RedisLink.Listener() {
            @Override
            public void connected() {
                sync.connected();
            }

            @Override
            public void disconnected() {
                sync.disconnected();
            }

            @Override
            public void message(String channel, byte[] message) {
                received(channel, message);
            }
        }, busChannel, inboxPrefix + nodeId);
        this.sync = new ClusterSync(options, link, scripts, registry, view, this::failed, this::departed);
        this.canary = new Canary(options.canaryTimeout());
        this.breaker = new RedisBreaker(options.breaker(), nodeId, new RedisBreaker.Reporter() {
            @Override
            public void state(BreakerState state) {
                Delivery d = delivery;
                if (d != null) {
                    d.reportBreakerState(RedisBreaker.NAME, state);
                }
            }

            @Override
            public void call(BreakerCall outcome) {
                Delivery d = delivery;
                if (d != null) {
                    d.reportBreakerCall(RedisBreaker.NAME, outcome);
                }
            }
        });
        this.roomLog = new RoomLog(nodeId, link, scripts);
        this.roomChannels = new RoomSubscriptions(everyRoom ? everyRoom(roomChannelPrefix + "*") : new RoomSubscriptions.Channels() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> subscribe(String channel) {
                return link.subscribeRoom(channel);
            }

            @Override
            public boolean unsubscribe(String channel) {
                return link.unsubscribeRoom(channel);
            }
        }, this::roomChannel, roomLinger(options).toNanos(), System::nanoTime);
        if (everyRoom) {
            roomChannels.pin("*"); // subscribed from the first connection on, members or not
        }
        link.rooms(roomChannels);
    }

    /** The options it was built with. */
    public RedisBrokerOptions options() {
        return options;
    }

    @Override
    public void start(Delivery delivery) {
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        startedNanos = System.nanoTime();
        sync.start();
        breaker.started();
        sync.every(options.canaryInterval(), this::sendCanary);
        sync.every(options.canaryInterval(), () -> breaker.probe(this::ping));
        sync.every(options.refreshInterval(), roomChannels::sweep);
        sync.after(options.startupTimeout(), this::startupTimedOut);
        log.info("node {} joining the cluster at {} (prefix {})", nodeId, RedisBrokerOptions.redacted(options.uri()),
                options.keyPrefix());
    }

    @Override
    public void stop() {
        sync.stop(BusCodec.encode(new BusMessage.Bye(nodeId, registry.incarnation())), keepHeld);
        log.info("node {} left the cluster", nodeId);
    }

    @Override
    public boolean isUp() {
        return sync.isUp();
    }

    /** True once the node has joined its cluster, or once {@code startupTimeout} passed without that. */
    @Override
    public boolean isJoined() {
        return sync.hasJoined() || !gaveUpJoining.isEmpty();
    }

    /** Runs once, on the timer, {@code startupTimeout} after start. */
    private void startupTimedOut() {
        if (sync.hasJoined()) {
            return;
        }
        gaveUpJoining = "not joined within the startup timeout of " + options.startupTimeout().toMillis() + " ms ("
                + sync.lastProblem() + "): it serves clients degraded, unseen by the other nodes, and joins when"
                + " Redis answers";
        log.warn("node {} {}", nodeId, gaveUpJoining);
        failed(gaveUpJoining);
    }

    // ---- health ----

    /**
     * A check that Redis answers a {@code PING} on the command connection within
     * {@code commandTimeout}; it blocks its health thread that long at most.
     */
    public HealthCheck pingCheck() {
        return () -> {
            RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
            if (redis == null || !link.isConnected()) {
                return HealthCheck.Result.down("not connected to Redis" + link.lastConnectFailure());
            }
            long sent = System.nanoTime();
            String pong;
            try {
                pong = redis.ping().get(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return HealthCheck.Result.down("no PONG within " + options.commandTimeout().toMillis() + " ms");
            } catch (ExecutionException e) {
                return HealthCheck.Result.down("PING failed: " + e.getCause());
            }
            if (!"PONG".equals(pong)) {
                return HealthCheck.Result.down("PING answered '" + pong + "'");
            }
            return HealthCheck.Result.up(Map.of("roundTripMillis", (System.nanoTime() - sent) / 1_000 / 1_000.0));
        };
    }

    /**
     * A check that this node's canaries come back through its own subscription within
     * {@code canaryTimeout}: red while pub/sub delivers nothing, even when Redis answers
     * {@code PING}. Never blocks.
     */
    public HealthCheck canaryCheck() {
        return (HealthCheck.NonBlocking) () -> canary.result(System.nanoTime());
    }

    /**
     * A check that the node has joined its cluster: red while it joins, and red after
     * {@code startupTimeout} while it serves without having joined (its error says why). Never blocks.
     */
    public HealthCheck joinCheck() {
        return (HealthCheck.NonBlocking) () -> {
            if (sync.hasJoined()) {
                return HealthCheck.Result.up();
            }
            String gaveUp = gaveUpJoining;
            if (!gaveUp.isEmpty()) {
                return HealthCheck.Result.down(gaveUp);
            }
            return HealthCheck.Result.down("joining its cluster for " + (System.nanoTime() - startedNanos) / 1_000_000
                    + " ms: " + sync.lastProblem());
        };
    }

    /**
     * A check of the circuit breaker around the Redis calls that wait: healthy while it is closed,
     * down while it is open (those calls fail at once) or half-open (it probes Redis); its metadata
     * name the breaker ({@code redis}) and its state. Never blocks.
     */
    public HealthCheck breakerCheck() {
        return breaker.check();
    }

    /** The breaker's state now. */
    BreakerState breakerState() {
        return breaker.state();
    }

    /** A {@code PING}, the breaker's probe; fails at once without a connection. */
    private CompletionStage<String> ping() {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            return CompletableFuture.failedFuture(new NotConnected());
        }
        return redis.ping();
    }

    /** Publishes a canary on this node's bus, or counts it lost when there is no connection to Redis. Timer thread. */
    private void sendCanary() {
        long now = System.nanoTime();
        if (!canary.due(now)) {
            return;
        }
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            canary.notSent(now);
            return;
        }
        canary.sent(now);
        redis.publish(busChannel, BusCodec.encode(new BusMessage.Canary(nodeId, now))); // lost or not, the answer tells
    }
    // ---- publishing ----

    @Override
    public void publishBroadcast(Message frame, String exceptSessionId, Map<String, String> traceContext) {
        publish(busChannel, new BusMessage.Broadcast(nodeId, exceptSessionId, frame, traceContext));
    }

    @Override
    public void publishRoom(String room, Message frame, String exceptSessionId, Map<String, String> traceContext) {
        publish(roomChannel(room), new BusMessage.RoomMessage(nodeId, room, exceptSessionId, frame, traceContext));
    }

    /**
     * Sends the message to the node that holds the session, as far as this node's view knows.
     *
     * @return false when no node is known to hold it, or when Redis refused the publication at
     *         once (it is unreachable): the sender learns that it was not delivered
     */
    @Override
    public boolean publishPrivate(String sessionId, Message frame, Map<String, String> traceContext) {
        return publishPrivate(sessionId, frame, traceContext, false);
    }

    /** As the plain form; the receiving node puts it into the session's inbox, at the inbox's next seq. */
    @Override
    public boolean publishPrivate(String sessionId, Positioned message, Map<String, String> traceContext) {
        return publishPrivate(sessionId, message.unpositioned(), traceContext, true);
    }

    /**
     * A positioned message with a Redis delivery store goes through {@code mail.lua}: should the
     * session's node not listen (it died, or lost Redis), Redis keeps the message for the node that
     * takes the session over, which puts it into the session's inbox.
     */
    private boolean publishPrivate(String sessionId, Message frame, Map<String, String> traceContext, boolean positioned) {
        String holder = view.nodeOf(sessionId);
        if (holder == null) {
            return false;
        }
        String channel = inboxPrefix + holder;
        BusMessage message = new BusMessage.PrivateMessage(nodeId, sessionId, frame, traceContext, positioned);
        InboxWriter mail = inboxes;
        RedisFuture<Long> sent = positioned && mail != null
                ? send(channel, message, (redis, bytes) -> mail.send(redis, sessionId, holder, bytes, frame, !options.isCluster()))
                : publish(channel, message);
        return sent != null && !(sent.isDone() && sent.toCompletableFuture().isCompletedExceptionally());
    }

    /** Publishes on the channel: see {@link #send}. */
    private RedisFuture<Long> publish(String channel, BusMessage message) {
        // A room's channel is sharded with Redis Cluster: published on, and read from, the room's shard.
        boolean sharded = options.isCluster() && channel.startsWith(roomChannelPrefix);
        return send(channel, message, (redis, bytes) -> sharded ? redis.spublish(channel, bytes) : redis.publish(channel, bytes));
    }

    /**
     * Hands the message, encoded, to Lettuce with this command; never waits. A failure, now or
     * later, is counted.
     *
     * @return the command under way, or null when it was refused at once
     */
    private RedisFuture<Long> send(String channel, BusMessage message,
                                   BiFunction<RedisClusterAsyncCommands<String, byte[]>, byte[], RedisFuture<Long>> command) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        if (redis == null) {
            published(false);
            failed("publish: not connected to Redis");
            return null;
        }
        byte[] bytes = BusCodec.encode(message);
        if (unansweredBytes.addAndGet(bytes.length) > MAX_UNANSWERED_BYTES) {
            unansweredBytes.addAndGet(-bytes.length);
            published(false);
            failed("publish to " + channel + " refused: " + MAX_UNANSWERED_BYTES + " bytes already wait for Redis");
            return null;
        }
        RedisFuture<Long> sent = command.apply(redis, bytes);
        sent.whenComplete((receivers, error) -> {
            unansweredBytes.addAndGet(-bytes.length);
            published(error == null);
            if (error != null) {
                failed("publish to " + channel + " failed: " + error);
            }
        });
        return sent;
    }

    // ---- the rooms' cluster-wide order ----

    /** True: with room history on, each room's seqs are given in Redis, one order for the cluster. */
    @Override
    public boolean sequencesRooms() {
        return true;
    }

    @Override
    public CompletionStage<Long> publishSequenced(String room, Message message, String exceptSessionId,
                                                  HistoryLimits limits, Map<String, String> traceContext) {
        CompletionStage<Long> seq = roomLog.append(room, message, exceptSessionId, limits, traceContext);
        return seq.whenComplete((given, error) -> {
            published(error == null);
            if (error != null) {
                failed("room message to " + room + " not sequenced: " + error);
            }
        });
    }

    /** Reads through the circuit breaker: while it is open the read fails at once (the join answers without a position). */
    @Override
    public CompletionStage<RoomRead> readRoom(String room, Position since, HistoryLimits limits) {
        // Subscribed first: every message after the position read comes through the subscription.
        return roomChannels.read(room, () -> breaker.call(() -> roomLog.read(room, since, limits)));
    }

    /** Completes once this node's subscription to the room's channel stands, as a join's read waits for it. */
    @Override
    public CompletionStage<Void> roomReady(String room) {
        return roomChannels.ready(room);
    }

    /** Every room's channel, by one pattern subscription: what every room asks for is that one. */
    private RoomSubscriptions.Channels everyRoom(String pattern) {
        return new RoomSubscriptions.Channels() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> subscribe(String channel) {
                return link.psubscribe(pattern);
            }

            @Override
            public boolean unsubscribe(String channel) {
                return true; // the pattern stays
            }
        };
    }

    /**
     * How long a room without local members stays subscribed: well beyond the step from a join's
     * read to its membership (in process, microseconds), and long enough that rooms whose members
     * come and go are not subscribed and unsubscribed at every change.
     */
    static Duration roomLinger(RedisBrokerOptions options) {
        Duration twice = options.refreshInterval().multipliedBy(2);
        return twice.compareTo(MIN_ROOM_LINGER) > 0 ? twice : MIN_ROOM_LINGER;
    }

    /** The channel of a room's messages and presence: its name in a hash tag (as its keys in common.lua). */
    String roomChannel(String room) {
        return options.keyPrefix() + "room:{" + room + "}";
    }

    // ---- resume on any node ----

    /**
     * A delivery store for this node's hub that records resume tokens in Redis, so that a session
     * resumes on any node of the cluster (see {@link RedisDeliveryStore}). Call it once, before the
     * hub starts.
     *
     * @param hubOptions the options of the hub it is for: its {@code resumeWindow} (how long a token
     *                   stays usable after its node stopped answering, beyond {@code expiry}) and its
     *                   {@code inbox} limits (which the inboxes written through to Redis keep).
     *                   The sessions the hub holds when it shuts down stay in Redis for that window,
     *                   counted from the shutdown, and resume on the other nodes
     */
    public RedisDeliveryStore deliveryStore(HubOptions hubOptions) {
        Objects.requireNonNull(hubOptions, "hubOptions");
        Duration keep = options.expiry().plus(hubOptions.resumeWindow());
        SessionHandover handover = new SessionHandover(nodeId, link, scripts, options.commandTimeout(), breaker, keep);
        InboxWriter writer = new InboxWriter(link, scripts, hubOptions.inbox());
        Arrivals moving = new Arrivals(link, scripts, () -> delivery, sync, options.refreshInterval(), this::failed);
        RedisDeliveryStore store = new RedisDeliveryStore(handover, writer, new RefWriter(link, scripts, keep), moving);
        inboxes = writer;
        arrivals = moving;
        sync.every(options.refreshInterval(), () -> handover.refresh(store.tokens()));
        keepHeld = hubOptions.resumeWindow();
        return store;
    }

    // ---- session ids and memberships ----

    /**
     * Claims the id in Redis through the circuit breaker, waiting at most {@code commandTimeout}.
     *
     * @throws IllegalStateException at once when Redis is unreachable or the breaker is open (the id
     *         is then written to Redis without waiting), or when Redis does not answer in time: the
     *         hub then accepts the id on this node's word alone
     */
    @Override
    public boolean claimSessionId(String sessionId) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        Claim claim = registry.claim(sessionId, (stamp, ops) -> {
            CompletableFuture<Long> answer = breaker.call(() -> {
                if (redis == null) {
                    throw new NotConnected();
                }
                return scripts.run(redis, Scripts.Script.CLAIM, claimArgs(stamp, ops, sessionId));
            });
            if (redis != null && RedisBreaker.refusedAtOnce(answer)) {
                write(stamp, ops); // the breaker is open: the id goes to Redis on this node's word, without waiting
            }
            return new Claim(stamp, answer);
        });
        long answer;
        try {
            answer = claim.answer().get(options.commandTimeout().toMillis() + CLAIM_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while claiming session id " + sessionId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(unconfirmed(sessionId, e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not confirm session id " + sessionId + " within "
                    + options.commandTimeout() + ": checked on this node only", e);
        }
        if (answer == CLAIM_HELD_ELSEWHERE) {
            registry.release(sessionId, this::write); // undo the local claim
            return false;
        }
        if (answer == CLAIM_UNREGISTERED && !registry.isCoveredByRegistration(claim.stamp())) {
            sync.registrationLost();
        }
        return true;
    }

    /** Why a claim's answer failed, for the hub's count of broker errors. */
    private String unconfirmed(String sessionId, Throwable cause) {
        if (RedisBreaker.refused(cause)) {
            return "circuit breaker " + RedisBreaker.NAME + " is open: session id " + sessionId
                    + " checked on this node only";
        }
        if (cause instanceof NotConnected) {
            return "Redis is unreachable: session id " + sessionId + " checked on this node only";
        }
        return "Redis did not confirm session id " + sessionId + " within " + options.commandTimeout() + ": " + cause;
    }

    /** A call that needs the command connection, made while there is none. */
    private static final class NotConnected extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotConnected() {
            super("not connected to Redis");
        }
    }

    /** A claim through the breaker: its stamp, and the script's answer to come. */
    private record Claim(Stamp stamp, CompletableFuture<Long> answer) {
    }

    private List<byte[]> claimArgs(Stamp stamp, List<MembershipOp> ops, String sessionId) {
        byte[] announcement = BusCodec.encode(new BusMessage.Membership(nodeId, stamp, ops));
        List<byte[]> args = new ArrayList<>(Scripts.change(stamp, announcement, List.of()));
        args.add(Scripts.utf8(sessionId));
        return args;
    }

    @Override
    public void releaseSessionId(String sessionId) {
        registry.release(sessionId, this::write);
        roomChannels.released(sessionId);
    }

    @Override
    public void roomJoined(String room, String sessionId) {
        roomChannels.joined(room, sessionId);
        registry.join(sessionId, room, this::write);
    }

    @Override
    public void roomLeft(String room, String sessionId) {
        registry.leave(sessionId, room, this::write);
        roomChannels.left(room, sessionId);
    }

    /** Writes a stamped change to Redis and announces it; never waits. Runs under the registry's lock. */
    private RedisFuture<Long> write(Stamp stamp, List<MembershipOp> ops) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        if (redis == null) {
            failed("membership change: not connected to Redis");
            return null;
        }
        byte[] announcement = BusCodec.encode(new BusMessage.Membership(nodeId, stamp, ops));
        RedisFuture<Long> written = scripts.run(redis, Scripts.Script.APPLY, Scripts.change(stamp, announcement, ops));
        written.whenComplete((applied, error) -> {
            if (error != null) {
                failed("membership change failed: " + error);
            } else if (applied == 0 && !registry.isCoveredByRegistration(stamp)) {
                sync.registrationLost(); // not registered, and no registration under way carries it
            }
        });
        return written;
    }

    @Override
    public Collection<String> remoteMembers(String room) {
        return view.members(room);
    }

    // ---- receiving (on Lettuce's pub/sub thread) ----

    private void received(String channel, byte[] bytes) {
        reads.increment();
        if (channel.startsWith(roomChannelPrefix)) {
            roomReads.increment();
        }
        try {
            if (nodeId.equals(BusCodec.origin(bytes)) && !BusCodec.isSequenced(bytes)) {
                if (BusCodec.isCanary(bytes)) {
                    canaryCameBack((BusMessage.Canary) BusCodec.decode(bytes));
                }
                return; // our own publication, echoed by Redis: delivered locally already
            }
            dispatch(BusCodec.decode(bytes));
        } catch (BusCodec.MalformedMessageException e) {
            failed("malformed message on " + channel + ": " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("node {}: delivering a message from {} failed", nodeId, channel, e);
            failed("delivering a message from " + channel + " failed: " + e);
        }
    }

    private void canaryCameBack(BusMessage.Canary m) {
        long roundTrip = canary.answered(m.sentNanos(), System.nanoTime());
        Delivery d = delivery;
        if (roundTrip >= 0 && d != null) {
            d.reportCanaryAnswered(roundTrip);
        }
    }

    /** Other nodes' canaries are theirs: {@link #dispatch} ignores them. */
    private void dispatch(BusMessage message) {
        Delivery d = delivery;
        if (message instanceof BusMessage.Broadcast m) {
            d.deliverBroadcast(m.frame(), m.except(), m.trace());
        } else if (message instanceof BusMessage.RoomMessage m) {
            d.deliverRoom(m.room(), m.frame(), m.except(), m.trace());
        } else if (message instanceof BusMessage.Sequenced m) {
            d.deliverSequenced(m.room(), new Position(m.epoch(), m.seq()), RoomLog.at(m.frame(), m.seq()), m.except(),
                    m.trace());
        } else if (message instanceof BusMessage.PrivateMessage m) {
            Positioned positioned = m.positioned() ? RoomLog.positioned(m.frame()) : null;
            Arrivals moving = arrivals;
            if (positioned != null) { // a JSON object (the room protocol's): it takes its inbox seq there
                if (moving == null || !moving.hold(m.target(), positioned, m.trace())) {
                    d.deliverPrivate(m.target(), positioned, m.trace());
                }
            } else {
                d.deliverPrivate(m.target(), m.frame(), m.trace()); // gone meanwhile: dropped, as a closed session's would be
            }
        } else if (message instanceof BusMessage.Membership m) {
            if (view.apply(m.node(), m.stamp(), m.ops(), System.nanoTime())) {
                sync.wantSnapshot(m.node());
            }
        } else if (message instanceof BusMessage.Registered m) {
            sync.wantSnapshot(m.node());
        } else if (message instanceof BusMessage.Moved m) {
            d.sessionMoved(m.sessionId());
        } else if (message instanceof BusMessage.Bye m) {
            view.remove(m.node(), m.incarnation());
        }
    }

    /** A session of a dead node ended unresumed, and this node swept it: the hub announces it. */
    private void departed(Departure departure) {
        Delivery d = delivery;
        if (d != null) {
            d.sessionDeparted(departure);
        }
    }

    private void published(boolean succeeded) {
        Delivery d = delivery;
        if (d != null) {
            d.reportPublished(succeeded);
        }
    }

    private void failed(String detail) {
        Delivery d = delivery;
        if (d != null) {
            d.reportFailure(detail);
        }
    }

    /** Messages this node read from Redis, of every kind; for the tests and measurements of this package. */
    long reads() {
        return reads.sum();
    }

    /** Messages of rooms (room messages and presence) this node read from Redis. */
    long roomReads() {
        return roomReads.sum();
    }

    /** The room channels this node subscribes to now. */
    RoomSubscriptions roomChannels() {
        return roomChannels;
    }

    /** This node's view of the others; for the tests of this package. */
    ClusterView view() {
        return view;
    }

    @Override
    public String toString() {
        return "RedisBroker[" + nodeId + (isUp() ? ", up]" : ", down]");
    }
}
