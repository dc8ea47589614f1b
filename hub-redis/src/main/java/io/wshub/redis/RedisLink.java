package io.wshub.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
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

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two Lettuce connections of a node: one for commands and publishing, one subscribed to the
 * node's channels. Configured so that nothing ever waits on an unreachable Redis:
 *
 * <ul>
 *   <li>while disconnected, commands are refused at once ({@code REJECT_COMMANDS}), and commands
 *       in flight when the connection drops fail rather than being replayed later;</li>
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
    /** How long a stop waits for Lettuce's threads to end. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final Listener listener;
    private final String[] channels;
    // Set once by the first successful connect (on a Lettuce thread), read by any thread.
    private volatile StatefulRedisConnection<String, byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubsub;
    /** Connect attempts under way; touched only by the broker's timer thread. */
    private CompletableFuture<?> connecting = CompletableFuture.completedFuture(null);

    RedisLink(RedisBrokerOptions options, Listener listener, String... channels) {
        this.listener = listener;
        this.channels = channels.clone();
        this.uri = RedisURI.create(options.uri());
        this.uri.setTimeout(options.commandTimeout());
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(IO_THREADS)
                .computationThreadPoolSize(COMPUTATION_THREADS)
                .reconnectDelay(Delay.exponential(FIRST_RECONNECT_DELAY, options.refreshInterval(), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(options.commandTimeout()).build())
                .build());
    }

    /**
     * Opens whichever connection is not open yet and subscribes; does nothing while an attempt is
     * under way. Never blocks. Called on the broker's timer thread.
     */
    void connect() {
        if (!connecting.isDone()) {
            return;
        }
        CompletableFuture<?> c = commands == null ? client.connectAsync(CODEC, uri).toCompletableFuture()
                .thenAccept(this::commandsOpened) : CompletableFuture.completedFuture(null);
        CompletableFuture<?> p = pubsub == null ? client.connectPubSubAsync(CODEC, uri).toCompletableFuture()
                .thenAccept(this::pubsubOpened) : CompletableFuture.completedFuture(null);
        connecting = CompletableFuture.allOf(c, p).whenComplete((ok, error) -> {
            if (error != null) {
                log.debug("connecting to Redis at {} failed: {}", RedisBrokerOptions.redacted(uri.toString()), error.toString());
            }
        });
    }

    private void commandsOpened(StatefulRedisConnection<String, byte[]> c) {
        c.addListener(stateListener());
        commands = c;
        listener.connected();
    }

    private void pubsubOpened(StatefulRedisPubSubConnection<String, byte[]> c) {
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
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

    /** Whether both connections stand now. */
    boolean isConnected() {
        StatefulRedisConnection<String, byte[]> c = commands;
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        return c != null && p != null && c.isOpen() && p.isOpen();
    }

    /** The command connection's API, or null before it first opened. */
    RedisAsyncCommands<String, byte[]> commands() {
        StatefulRedisConnection<String, byte[]> c = commands;
        return c == null ? null : c.async();
    }

    /** Subscribes to the node's channels (again: harmless when already subscribed). */
    CompletableFuture<Void> subscribe() {
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (p == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        RedisPubSubAsyncCommands<String, byte[]> async = p.async();
        return async.subscribe(channels).toCompletableFuture();
    }

    /** Closes the connections and stops Lettuce's threads, waiting a bounded time. */
    void close() {
        try {
            client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("Redis client did not shut down cleanly", e);
        }
        try {
            resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(SHUTDOWN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Redis client threads did not stop within {}", SHUTDOWN_TIMEOUT, e);
        }
    }
}
