package io.wshub.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wshub.Departure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps this node registered in Redis and its view of the other nodes fresh, on one timer thread:
 *
 * <ul>
 *   <li>every refresh interval, a heartbeat extends this node's entries by the expiry, drops
 *       expired nodes, and lists the live ones; entries of nodes that changed more than their
 *       announcements told are read again (a snapshot);</li>
 *   <li>after a (re)connection, or when Redis lost this node's entries, a resync subscribes
 *       again, writes every entry afresh, and refreshes the view; only then is the node up;</li>
 *   <li>while Redis is unreachable the node is down, connects again on every tick, and forgets
 *       the other nodes once it has been cut off longer than their entries live.</li>
 * </ul>
 */
final class ClusterSync {

    private static final Logger log = LoggerFactory.getLogger(ClusterSync.class);

    /** How long a stop waits for the timer thread's current task. */
    private static final long TIMER_STOP_MILLIS = 1_000;

    private final RedisBrokerOptions options;
    private final RedisLink link;
    private final Scripts scripts;
    private final LocalRegistry registry;
    private final ClusterView view;
    private final Consumer<String> failures;
    /** Told the sessions of dead nodes that ended unresumed, which this node swept (on Lettuce's threads). */
    private final Consumer<Departure> departures;
    private final ScheduledExecutorService timer;

    /** Registered and the view refreshed since the last drop; written by any thread, read by the hub. */
    private final AtomicBoolean up = new AtomicBoolean();
    /** Up at least once since start: the node has joined its cluster. */
    private final AtomicBoolean joined = new AtomicBoolean();
    /** Why the node was last down, for the health checks and the startup timeout's log; any thread. */
    private volatile String lastProblem = "not connected to Redis yet";
    /** Counts connection drops, so a resync begun before a drop cannot declare the node up after it. */
    private final AtomicLong drops = new AtomicLong();
    /** Nodes whose entries should be read again; added to by the pub/sub thread, drained by the timer. */
    private final Set<String> wantedSnapshots = ConcurrentHashMap.newKeySet();
    /** When the view was last refreshed (nanoTime); written on Lettuce's threads, read by the timer. */
    private volatile long refreshedNanos = System.nanoTime();
    // Timer thread only.
    private boolean busy;
    private boolean tickAgain;

    ClusterSync(RedisBrokerOptions options, RedisLink link, Scripts scripts, LocalRegistry registry, ClusterView view,
                Consumer<String> failures, Consumer<Departure> departures) {
        this.options = options;
        this.link = link;
        this.scripts = scripts;
        this.registry = registry;
        this.view = view;
        this.failures = failures;
        this.departures = departures;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "wshub-redis-" + options.nodeId());
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    void start() {
        link.open();
        timer.scheduleWithFixedDelay(this::tick, 0, options.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isUp() {
        return up.get();
    }

    /** Whether the node has been up once: subscribed, registered, and its view of the others read. */
    boolean hasJoined() {
        return joined.get();
    }

    /** Why the node was down last (it may be up again by now). */
    String lastProblem() {
        return lastProblem;
    }

    /** Runs the task on the timer thread every {@code interval}; one that throws is logged, and runs again. */
    void every(Duration interval, Runnable task) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("node {}: a periodic task failed", options.nodeId(), e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the task once on the timer thread after {@code delay}, unless stopped first. */
    void after(Duration delay, Runnable task) {
        timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A connection (re)connected: resync now rather than at the next tick. Any thread. */
    void connected() {
        runOnTimer(this::tick);
    }

    /** A connection dropped. Any thread. */
    void disconnected() {
        drops.incrementAndGet();
        markDown("the connection to Redis dropped");
    }

    /** Redis lost this node's entries (a write found it unregistered): write them again. Any thread. */
    void registrationLost() {
        drops.incrementAndGet();
        markDown("Redis lost this node's entries");
        runOnTimer(this::tick);
    }

    /** Reads a node's entries soon (it is new here, or wrote them afresh). Any thread. */
    void wantSnapshot(String node) {
        if (wantedSnapshots.add(node)) {
            runOnTimer(this::fetchWantedSnapshots);
        }
    }

    /**
     * Stops the timer, removes this node's entries from Redis if it can (but for {@code keepHeld}
     * its held sessions' tokens and memberships, for a resume on another node), and closes the connections.
     * Waits for all that (a bounded time) unless it runs on one of Lettuce's own threads — a hub
     * whose last session closed on a delivery from Redis stops there — which must never wait on
     * Lettuce: then it lets the teardown finish by itself.
     */
    void stop(byte[] goodbye, Duration keepHeld) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(TIMER_STOP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        up.set(false);
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        CompletableFuture<?> deregistered = redis != null && link.isConnected()
                ? attempt(() -> scripts.run(redis, Scripts.Script.DEREGISTER,
                        List.of(goodbye, Scripts.utf8(Long.toString(keepHeld.toMillis())))).toCompletableFuture())
                : CompletableFuture.completedFuture(null);
        CompletableFuture<Void> stopped = deregistered.handle((ok, error) -> {
            if (error != null) {
                log.warn("node {} could not remove its entries from Redis; they expire within {}: {}", options.nodeId(),
                        options.expiry(), cause(error));
            }
            return null;
        }).thenCompose(ok -> link.close());
        if (link.isOwnThread()) {
            return;
        }
        try {
            stopped.get(options.commandTimeout().plus(RedisLink.SHUTDOWN_TIMEOUT.multipliedBy(2)).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("node {}: Lettuce did not stop in time; its threads end by themselves", options.nodeId());
        }
    }

    // ---- timer thread ----

    private void tick() {
        try {
            if (busy) {
                tickAgain = true;
                return;
            }
            if (!up.get()) {
                forgetOthersIfCutOffTooLong();
            }
            if (!link.isConnected()) {
                markDown("not connected to Redis" + link.lastConnectFailure());
                link.connect();
            } else if (up.get()) {
                heartbeat();
            } else {
                resync();
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: never let one escape.
            log.warn("node {}: Redis sync failed", options.nodeId(), e);
        }
    }

    private void heartbeat() {
        busy = true;
        attempt(this::refresh).whenCompleteAsync((registered, error) -> {
            if (error != null) {
                markDown("heartbeat failed: " + cause(error));
            } else if (!registered) {
                drops.incrementAndGet();
                markDown("this node's entries expired in Redis");
                tickAgain = true;
            } else {
                sweep();
            }
            done();
        }, timer);
    }

    private void resync() {
        busy = true;
        long epoch = drops.get();
        attempt(link::subscribe)
                .thenCompose(ok -> register())
                .thenCompose(ok -> refresh())
                .whenCompleteAsync((registered, error) -> {
                    if (error != null) {
                        markDown("could not register with Redis: " + cause(error));
                    } else if (registered && drops.get() == epoch) {
                        markUp();
                    } else {
                        tickAgain = true;
                    }
                    done();
                }, timer);
    }

    private void done() {
        busy = false;
        if (tickAgain) {
            tickAgain = false;
            tick();
        }
    }

    private void fetchWantedSnapshots() {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        if (redis == null || wantedSnapshots.isEmpty()) {
            return;
        }
        List<String> nodes = new ArrayList<>(wantedSnapshots);
        wantedSnapshots.removeAll(nodes);
        attempt(() -> fetchSnapshots(redis, nodes)).exceptionally(error -> {
            failures.accept("reading other nodes' entries failed: " + cause(error));
            return null;
        });
    }

    /**
     * Takes the memberships of the dead nodes whose resume window has passed (sweep.lua: each goes
     * to one node only) and hands them on as departures, one per session. A failure leaves them in
     * Redis for the next tick.
     */
    private void sweep() {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        if (redis == null) {
            return;
        }
        attempt(() -> scripts.<List<Object>>run(redis, Scripts.Script.SWEEP, List.of()).toCompletableFuture())
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        failures.accept("sweeping dead nodes' sessions failed: " + cause(error));
                        return;
                    }
                    Map<String, Set<String>> rooms = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < reply.size(); i += 2) { // {id, room, id, room, ...}
                        rooms.computeIfAbsent(text(reply.get(i)), id -> new LinkedHashSet<>()).add(text(reply.get(i + 1)));
                    }
                    rooms.forEach((id, in) -> departures.accept(new Departure(id, in)));
                });
    }

    private void forgetOthersIfCutOffTooLong() {
        if (System.nanoTime() - refreshedNanos > options.expiry().toNanos() && !view.nodes().isEmpty()) {
            log.warn("node {} has been cut off from Redis for more than {}: it forgets the other nodes' sessions",
                    options.nodeId(), options.expiry());
            view.clear();
        }
    }

    // ---- any thread: the steps, as futures ----

    /** Writes every entry of this node afresh; reports ids another node claimed meanwhile. */
    private CompletableFuture<Void> register() {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        CompletableFuture<List<Object>> written = registry.register((stamp, ops) -> {
            byte[] announcement = BusCodec.encode(new BusMessage.Registered(options.nodeId(), stamp));
            return scripts.<List<Object>>run(redis, Scripts.Script.REGISTER, Scripts.change(stamp, announcement, ops))
                    .toCompletableFuture();
        });
        return written.thenAccept(conflicts -> {
            for (Object id : conflicts) {
                String detail = "session id " + text(id) + " is also held by another node: both accepted it while"
                        + " Redis was unreachable";
                log.warn("node {}: {}", options.nodeId(), detail);
                failures.accept(detail);
            }
            log.info("node {} registered {} session ids in Redis", options.nodeId(), registry.sessionCount());
        });
    }

    /**
     * Beats, drops nodes that are gone, and reads the entries of nodes that changed unseen.
     *
     * @return false when this node is not registered in Redis
     */
    private CompletableFuture<Boolean> refresh() {
        RedisClusterAsyncCommands<String, byte[]> redis = link.commands();
        long sent = System.nanoTime();
        return scripts.<List<Object>>run(redis, Scripts.Script.HEARTBEAT, List.of()).toCompletableFuture()
                .thenCompose(reply -> {
                    if (number(reply.get(0)) == 0) {
                        return CompletableFuture.completedFuture(false);
                    }
                    Map<String, Stamp> live = new HashMap<>();
                    int silentAt = 2 + 3 * (int) number(reply.get(1)); // {1, k, node, inc, ver (k times), silent node...}
                    for (int i = 2; i < silentAt; i += 3) {
                        live.put(text(reply.get(i)), new Stamp(number(reply.get(i + 1)), number(reply.get(i + 2))));
                    }
                    Set<String> silent = new HashSet<>();
                    for (int i = silentAt; i < reply.size(); i++) {
                        silent.add(text(reply.get(i)));
                    }
                    List<String> stale = view.reconcile(live, silent, sent);
                    return fetchSnapshots(redis, stale).thenApply(ok -> {
                        refreshedNanos = sent;
                        return true;
                    });
                });
    }

    private CompletableFuture<Void> fetchSnapshots(RedisClusterAsyncCommands<String, byte[]> redis, List<String> nodes) {
        if (nodes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<byte[]> args = new ArrayList<>(nodes.size());
        nodes.forEach(n -> args.add(Scripts.utf8(n)));
        return scripts.<List<Object>>run(redis, Scripts.Script.SNAPSHOT, args).toCompletableFuture().thenAccept(reply -> {
            long now = System.nanoTime();
            for (Object item : reply) {
                List<?> entry = (List<?>) item;
                view.replace(new ClusterView.NodeSnapshot(text(entry.get(0)),
                        new Stamp(number(entry.get(1)), number(entry.get(2))),
                        texts(entry.get(3)), texts(entry.get(4))), now);
            }
        });
    }

    private void markUp() {
        joined.set(true);
        if (!up.getAndSet(true)) {
            log.info("node {} is up: registered in Redis, cross-node delivery on", options.nodeId());
        }
    }

    private void markDown(String reason) {
        lastProblem = reason;
        if (up.getAndSet(false)) {
            log.warn("node {} is degraded: {}; local delivery goes on, cross-node delivery waits for Redis",
                    options.nodeId(), reason);
            failures.accept(reason);
        }
    }

    /** The step's future; one that throws instead of failing its future fails the future all the same. */
    private static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void runOnTimer(Runnable task) {
        try {
            timer.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping: nothing more to sync
        }
    }

    // ---- replies of the scripts (bulk strings arrive as byte[], integers as Long) ----

    private static String text(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    private static long number(Object reply) {
        return reply instanceof Long l ? l : Long.parseLong(text(reply));
    }

    private static List<String> texts(Object reply) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            out.add(text(o));
        }
        return out;
    }

    private static String cause(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e.toString();
    }
}
