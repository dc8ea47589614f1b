package io.wshub.examples;

import io.wshub.HubOptions;
import io.wshub.InProcessBroker;
import io.wshub.operations.OperationsHandler;
import io.wshub.redis.RedisBroker;
import io.wshub.redis.RedisBrokerOptions;
import io.wshub.spi.Broker;
import io.wshub.spi.DeliveryStore;

import java.time.Duration;
import java.util.Optional;

/**
 * The example servers as nodes of a cluster ({@code --redis redis://HOST:PORT}): each hub gets a
 * {@link RedisBroker} with the default timings, each path its own cluster (key prefix
 * {@code wshub:<path>:}, so {@code /echo} and {@code /ws} never mix), and with resume on the Redis
 * delivery store. Without a URI, a single node.
 */
final class RedisNode {

    private RedisNode() {
    }

    /** Checks a Redis URI (empty: none). */
    static String uri(String value) {
        String v = value.trim();
        if (!v.isEmpty()) {
            try {
                RedisBrokerOptions.of(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected a Redis URI such as redis://HOST:PORT");
            }
        }
        return v;
    }

    /** How long a health check of the broker may take: Redis' command timeout (1 s) and a margin. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The broker of the hub on this path: Redis when a URI is given (refusing clients until it has
     * joined, at most {@code startupTimeout}), else a node of its own.
     */
    static Broker broker(String uri, String path, Duration startupTimeout) {
        if (uri.isEmpty()) {
            return new InProcessBroker();
        }
        return new RedisBroker(RedisBrokerOptions.builder(uri).keyPrefix("wshub:" + path + ":")
                .startupTimeout(startupTimeout).build());
    }

    /**
     * With a Redis broker and resume on, the store that records resume tokens in Redis, so a client
     * resumes on any node; else none (the hub's default, in memory).
     */
    static Optional<DeliveryStore> deliveryStore(Broker broker, HubOptions options) {
        return broker instanceof RedisBroker redis && options.resumeOn()
                ? Optional.of(redis.deliveryStore(options)) : Optional.empty();
    }

    /**
     * Adds a Redis broker's checks for this path: {@code redis:PATH}, {@code canary:PATH},
     * {@code cluster:PATH} and {@code breaker:redis:PATH}.
     */
    static void addChecks(OperationsHandler operations, String path, Broker broker) {
        if (broker instanceof RedisBroker redis) {
            operations.healthChecks().add("redis:" + path, CHECK_TIMEOUT, redis.pingCheck())
                    .add("canary:" + path, CHECK_TIMEOUT, redis.canaryCheck())
                    .add("cluster:" + path, CHECK_TIMEOUT, redis.joinCheck())
                    .add("breaker:redis:" + path, CHECK_TIMEOUT, redis.breakerCheck());
        }
    }
}
