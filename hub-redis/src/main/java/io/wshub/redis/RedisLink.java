package io.wshub.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The two Lettuce connections of a node: one for commands and publishing, one subscribed to the
 * node's channels. Configured so that nothing ever waits on an unreachable Redis:
 *
 * <ul>
 *   <li>while disconnected, commands are refused at once ({@code REJECT_COMMANDS}), and commands
 *       in flight when the connection drops fail rather than being replayed later; with Redis
 *       Cluster (whose connections to the shards open at a shard's first command) a command to a
 *       shard not connected waits for it, up to the command timeout;</li>
 *   <li>every command times out after {@code commandTimeout}, and at most
 *       {@link #MAX_QUEUED_COMMANDS} wait for an answer (more are refused at once);</li>
 *   <li>a dropped connection reconnects by itself, backing off from {@link #FIRST_RECONNECT_DELAY}
 *       to the refresh interval, and the subscription resubscribes its channels.</li>
 * </ul>
 *
 * The first connection is this class's job, not Lettuce's (Lettuce reconnects only connections
 * that once stood): {@link #connect()} may be called again until both stand.
 */
final class RedisLink {

    /** What the link reports; called on Lettuce's threads, so it must not block. */
    interface Listener {
        /** A connection (re)connected. */
        void connected();

        /** A connection dropped. */
        void disconnected();

        /** A message arrived on a subscribed channel. */
        void message(String channel, byte[] message);
    }

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    /**
     * Commands waiting for Redis' answer on one connection, at most. A stalled Redis fills this
     * within the command timeout at most; past it, publishes fail at once instead of taking heap.
     */
    static final int MAX_QUEUED_COMMANDS = 65_536;
    /** The first reconnect comes quickly: most drops are a restart or failover of a second or two. */
    static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);
    /** Two event-loop threads: one per connection, so reading messages never waits for commands. */
    private static final int IO_THREADS = 2;
    /** Lettuce's computation pool runs its timers and futures' callbacks; 2 is Lettuce's minimum. */
    private static final int COMPUTATION_THREADS = 2;
    /** How long each step of a stop (closing the connections, ending the threads) may take. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** The Redis to reach: the one URI, or Redis Cluster's seed nodes. */
    private final java.util.List<RedisURI> seeds;
    /** The first of them, named in errors. */
    private final RedisURI uri;
    private final RedisBrokerOptions options;
    private final Listener listener;
    private final String[] channels;
    /** The rooms' channels; set once before {@link #open()}. */
    private RoomSubscriptions rooms;
    /** Lettuce's threads for this link, so that {@link #isOwnThread()} can tell them. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    /** Created by {@link #open()} (Lettuce starts a timer thread at once), then never changed. */
    private volatile Lettuce lettuce;
    // Set once by the first successful connect (on a Lettuce thread), read by any thread.
    private volatile io.lettuce.core.api.StatefulConnection<String, byte[]> commands;
    /** Its API; set with it. */
    private volatile RedisClusterAsyncCommands<String, byte[]> commandsAsync;
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubsub;
    /** Why the last connect attempt failed, as ": cause", or "" when none has; any thread. */
    private volatile String lastConnectFailure = "";
    /** Connect attempts under way; touched only by the broker's timer thread. */
    private CompletableFuture<?> connecting = CompletableFuture.completedFuture(null);

    /** Lettuce's resources (threads) and client. */
    private record Lettuce(ClientResources resources, io.lettuce.core.AbstractRedisClient client) {
    }

    RedisLink(RedisBrokerOptions options, Listener listener, String... channels) {
        this.options = options;
        this.listener = listener;
        this.channels = channels.clone();
        this.seeds = options.isCluster() ? RedisBrokerOptions.clusterSeeds(options.uri())
                : java.util.List.of(RedisURI.create(options.uri()));
        this.seeds.forEach(seed -> seed.setTimeout(options.commandTimeout()));
        this.uri = seeds.get(0);
    }

    /** Creates Lettuce's threads and client; nothing connects yet. Called once, before {@link #connect()}. */
    void open() {
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(IO_THREADS)
                .computationThreadPoolSize(COMPUTATION_THREADS)
                .threadFactoryProvider(this::threadFactory)
                .reconnectDelay(Delay.exponential(FIRST_RECONNECT_DELAY, options.refreshInterval(), 2, TimeUnit.MILLISECONDS))
                .build();
        if (options.isCluster()) {
            io.lettuce.core.cluster.RedisClusterClient client = io.lettuce.core.cluster.RedisClusterClient.create(resources, seeds);
            // A shard's primary that restarts or fails over moves slots: the topology is read again then.
            // Its connections to the shards open lazily, at a shard's first command: refusing commands
            // while one connects would refuse every shard's first. They wait, up to commandTimeout.
            client.setOptions(configure(io.lettuce.core.cluster.ClusterClientOptions.builder())
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .topologyRefreshOptions(io.lettuce.core.cluster.ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(options.refreshInterval())
                            .build())
                    .build());
            lettuce = new Lettuce(resources, client);
        } else {
            RedisClient client = RedisClient.create(resources);
            client.setOptions(configure(ClientOptions.builder()).build());
            lettuce = new Lettuce(resources, client);
        }
    }

    /** The options both kinds of client share: see the class comment. */
    private <B extends ClientOptions.Builder> B configure(B builder) {
        builder.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(options.commandTimeout()).build());
        return builder;
    }

    /** Lettuce's threads, named after the node and remembered. */
    private ThreadFactory threadFactory(String poolName) {
        ThreadFactory named = new DefaultThreadFactory("wshub-redis-" + options.nodeId() + "-" + poolName, true);
        return task -> {
            Thread t = named.newThread(() -> {
                try {
                    task.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            });
            threads.add(t);
            return t;
        };
    }

    /** Whether the calling thread is one of this link's Lettuce threads (which must never wait on Lettuce). */
    boolean isOwnThread() {
        return threads.contains(Thread.currentThread());
    }

    /**
     * Opens whichever connection is not open yet and subscribes; does nothing while an attempt is
     * under way. Never blocks. Called on the broker's timer thread.
     */
    void connect() {
        if (!connecting.isDone()) {
            return;
        }
        CompletableFuture<?> c = commands == null ? connectCommands() : CompletableFuture.completedFuture(null);
        // Redis Cluster's client reads the cluster's shards before its first connection: the second waits for it.
        CompletableFuture<?> first = options.isCluster() ? c : CompletableFuture.completedFuture(null);
        CompletableFuture<?> p = pubsub == null ? first.thenCompose(ok -> connectPubSub()).thenAccept(this::pubsubOpened)
                : CompletableFuture.completedFuture(null);
        connecting = CompletableFuture.allOf(c, p).whenComplete((ok, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                lastConnectFailure = " (" + RedisBrokerOptions.redacted(uri.toString()) + "): " + cause.getMessage();
                log.debug("connecting to Redis at {} failed: {}", RedisBrokerOptions.redacted(uri.toString()), error.toString());
            }
        });
    }

    private CompletableFuture<Void> connectCommands() {
        if (lettuce.client() instanceof io.lettuce.core.cluster.RedisClusterClient cluster) {
            // Its asynchronous connect needs the cluster's shards read first (the synchronous one does that itself).
            return cluster.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(ok -> cluster.connectAsync(CODEC)).thenAccept(c -> commandsOpened(c, c.async()));
        }
        return ((RedisClient) lettuce.client()).connectAsync(CODEC, uri).toCompletableFuture()
                .thenAccept(c -> commandsOpened(c, c.async()));
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connectPubSub() {
        if (lettuce.client() instanceof io.lettuce.core.cluster.RedisClusterClient cluster) {
            return cluster.connectPubSubAsync(CODEC).thenApply(c -> {
                c.setNodeMessagePropagation(true); // sharded channels are read on the shards' own connections
                return c;
            });
        }
        return ((RedisClient) lettuce.client()).connectPubSubAsync(CODEC, uri).toCompletableFuture()
                .thenApply(c -> c);
    }

    private void commandsOpened(io.lettuce.core.api.StatefulConnection<String, byte[]> c,
                                RedisClusterAsyncCommands<String, byte[]> async) {
        addListener(c, stateListener());
        commandsAsync = async;
        commands = c;
        listener.connected();
    }

    private static void addListener(io.lettuce.core.api.StatefulConnection<String, byte[]> c,
                                    RedisConnectionStateListener l) {
        if (c instanceof RedisChannelHandler<?, ?> handler) {
            handler.addListener(l);
        }
    }

    private void pubsubOpened(StatefulRedisPubSubConnection<String, byte[]> c) {
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                listener.message(channel, message);
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                listener.message(channel, message);
            }

            @Override
            public void smessage(String channel, byte[] message) {
                listener.message(channel, message);
            }
        });
        c.addListener(stateListener());
        pubsub = c;
        listener.connected();
    }

    private RedisConnectionStateListener stateListener() {
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
                listener.connected();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                listener.disconnected();
            }
        };
    }

    /** Why the last connect attempt failed, as {@code " (URI): cause"}, or "" when none has. */
    String lastConnectFailure() {
        return lastConnectFailure;
    }

    /** Whether both connections stand now. */
    boolean isConnected() {
        io.lettuce.core.api.StatefulConnection<String, byte[]> c = commands;
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        return c != null && p != null && c.isOpen() && p.isOpen();
    }

    /** The command connection's API, or null before it first opened. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands == null ? null : commandsAsync;
    }

    /**
     * Subscribes to the node's channels and its rooms' (again: harmless when already subscribed);
     * completes when all stand.
     */
    CompletableFuture<Void> subscribe() {
        return subscribe(channels).thenCompose(ok -> rooms.resubscribe());
    }

    /** Subscribes to these channels; completes when Redis confirmed it. Never waits. */
    CompletableFuture<Void> subscribe(String... names) {
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (p == null || !p.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        RedisPubSubAsyncCommands<String, byte[]> async = p.async();
        return async.subscribe(names).toCompletableFuture();
    }

    /**
     * Subscribes to a room's channel: with Redis Cluster a sharded channel ({@code SSUBSCRIBE}, read
     * from the shard that holds the room), else a plain one. Completes when Redis confirmed it.
     */
    CompletableFuture<Void> subscribeRoom(String name) {
        if (!options.isCluster()) {
            return subscribe(name);
        }
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (p == null || !p.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        return p.async().ssubscribe(name).toCompletableFuture();
    }

    /** Unsubscribes from a room's channel, as {@link #unsubscribe}. */
    boolean unsubscribeRoom(String name) {
        if (!options.isCluster()) {
            return unsubscribe(name);
        }
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (p == null || !p.isOpen()) {
            return false;
        }
        p.async().sunsubscribe(name);
        return true;
    }

    /** Subscribes to the channels matching a pattern; completes when Redis confirmed it. Never waits. */
    CompletableFuture<Void> psubscribe(String pattern) {
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (p == null || !p.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        return p.async().psubscribe(pattern).toCompletableFuture();
    }

    /**
     * Unsubscribes from a channel.
     *
     * @return false when there is no connection to send it on (Lettuce would subscribe it again on reconnecting)
     */
    boolean unsubscribe(String name) {
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (p == null || !p.isOpen()) {
            return false;
        }
        p.async().unsubscribe(name);
        return true;
    }

    /** The rooms' channels this link subscribes to besides its own; set once, before {@link #open()}. */
    void rooms(RoomSubscriptions rooms) {
        this.rooms = rooms;
    }

    /**
     * Closes the connections and stops Lettuce's threads; never blocks.
     *
     * @return completes when Lettuce's threads have stopped (each step waits at most {@link #SHUTDOWN_TIMEOUT})
     */
    CompletableFuture<Void> close() {
        Lettuce l = lettuce;
        if (l == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        long timeout = SHUTDOWN_TIMEOUT.toMillis();
        l.client().shutdownAsync(0, timeout, TimeUnit.MILLISECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Redis connections did not close cleanly", error);
            }
            l.resources().shutdown(0, timeout, TimeUnit.MILLISECONDS).addListener(f -> stopped.complete(null));
        });
        return stopped;
    }
}
