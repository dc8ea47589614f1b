package io.wshub.redis;

import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How a {@link RedisBroker} reaches Redis and how quickly the cluster notices a node that is gone.
 * Immutable; build with {@link #builder(String)}, which validates every field and names the field
 * and the value in its error.
 *
 * <table>
 *   <caption>Fields and defaults</caption>
 *   <tr><td>{@code uri}</td><td>required: {@code redis://[password@]host[:port][/database]}, {@code rediss://} for TLS,
 *       {@code redis-sentinel://}, or {@code redis-cluster://[password@]host:port[,host:port...]} for Redis Cluster
 *       (seed nodes; rooms then spread over the shards)</td></tr>
 *   <tr><td>{@code nodeId}</td><td>a fresh random id per broker: 1–64 of {@code [A-Za-z0-9_.-]}, unique in the cluster</td></tr>
 *   <tr><td>{@code keyPrefix}</td><td>{@code wshub:}; every key and channel starts with it, so clusters can share a Redis
 *       (with Redis Cluster without braces: the keys other than rooms' have it as their hash tag)</td></tr>
 *   <tr><td>{@code expiry}</td><td>15 s: how long a node's ids and memberships outlive its last heartbeat</td></tr>
 *   <tr><td>{@code refreshInterval}</td><td>5 s: the heartbeat, and the refresh of the cluster-wide view</td></tr>
 *   <tr><td>{@code commandTimeout}</td><td>1 s: the longest any Redis command may take, connecting included</td></tr>
 *   <tr><td>{@code startupTimeout}</td><td>10 s: how long the node refuses clients (503) while it joins its cluster;
 *       after it, it serves them degraded and logs why it has not joined</td></tr>
 *   <tr><td>{@code canaryInterval}</td><td>1 s: how often the node sends itself a canary through its own subscription</td></tr>
 *   <tr><td>{@code canaryTimeout}</td><td>2 s: how soon a canary must come back before the canary check turns red</td></tr>
 *   <tr><td>{@code breaker}</td><td>the circuit breaker around the Redis calls that wait: see {@link Breaker}</td></tr>
 * </table>
 *
 * <p>A crashed node's sessions disappear from the other nodes' member lists and private-message
 * targets within {@link #staleBound()} = {@code expiry + refreshInterval} (20 s by default).
 *
 * @param uri             where Redis is
 * @param nodeId          this node's name in the cluster
 * @param keyPrefix       the prefix of every key and channel
 * @param expiry          how long this node's entries live in Redis without a heartbeat
 * @param refreshInterval how often this node beats and refreshes its view of the others
 * @param commandTimeout  the longest a Redis command may take before it fails
 * @param startupTimeout  how long the hub refuses clients while the node joins its cluster
 * @param canaryInterval  how often the node publishes a canary to itself
 * @param canaryTimeout   how soon a canary must come back for the canary check to stay healthy
 * @param breaker         when the circuit breaker around the Redis calls that wait opens and closes
 */
public record RedisBrokerOptions(
        String uri,
        String nodeId,
        String keyPrefix,
        Duration expiry,
        Duration refreshInterval,
        Duration commandTimeout,
        Duration startupTimeout,
        Duration canaryInterval,
        Duration canaryTimeout,
        Breaker breaker) {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** Keys and channels stay readable in {@code redis-cli}: printable ASCII, no spaces. */
    private static final Pattern KEY_PREFIX = Pattern.compile("[!-~]{1,64}");
    /** Below this, heartbeats of a busy cluster would cost Redis more than the messages. */
    private static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(100);
    /** Below this, canaries would be most of a quiet node's traffic. */
    private static final Duration MIN_CANARY_INTERVAL = Duration.ofMillis(100);

    /** Validates every field; prefer {@link #builder(String)}. */
    public RedisBrokerOptions {
        Objects.requireNonNull(uri, "uri");
        try {
            if (uri.startsWith(CLUSTER_SCHEME)) {
                clusterSeeds(uri);
            } else {
                RedisURI.create(uri);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri must be a Redis URI such as redis://localhost:6379, was '"
                    + redacted(uri) + "': " + e.getMessage(), e);
        }
        Objects.requireNonNull(nodeId, "nodeId");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("nodeId must be 1-64 of [A-Za-z0-9_.-], was '" + nodeId + "'");
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!KEY_PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalArgumentException("keyPrefix must be 1-64 printable ASCII characters without spaces, was '"
                    + keyPrefix + "'");
        }
        if (uri.startsWith(CLUSTER_SCHEME) && (keyPrefix.contains("{") || keyPrefix.contains("}"))) {
            throw new IllegalArgumentException("keyPrefix must have no braces with Redis Cluster (they would be the hash"
                    + " tag of every key), was '" + keyPrefix + "'");
        }
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (refreshInterval.compareTo(MIN_REFRESH_INTERVAL) < 0) {
            throw new IllegalArgumentException("refreshInterval must be at least " + MIN_REFRESH_INTERVAL + ", was "
                    + refreshInterval);
        }
        // One late heartbeat must not make a live node look dead.
        if (expiry.compareTo(refreshInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("expiry (" + expiry + ") must be at least twice refreshInterval ("
                    + refreshInterval + ")");
        }
        // A heartbeat must end, one way or the other, before the next one starts.
        if (commandTimeout.isNegative() || commandTimeout.isZero() || commandTimeout.compareTo(refreshInterval) > 0) {
            throw new IllegalArgumentException("commandTimeout must be positive and at most refreshInterval ("
                    + refreshInterval + "), was " + commandTimeout);
        }
        requirePositive("startupTimeout", startupTimeout);
        requirePositive("canaryTimeout", canaryTimeout);
        Objects.requireNonNull(canaryInterval, "canaryInterval");
        if (canaryInterval.compareTo(MIN_CANARY_INTERVAL) < 0) {
            throw new IllegalArgumentException("canaryInterval must be at least " + MIN_CANARY_INTERVAL + ", was "
                    + canaryInterval);
        }
        Objects.requireNonNull(breaker, "breaker");
    }

    private static void requirePositive(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }

    /** The URI without its password, fit for an error message or a log. */
    /** Whether the URI names a Redis Cluster. */
    public boolean isCluster() {
        return uri.startsWith(CLUSTER_SCHEME);
    }

    /**
     * The prefix of the keys and channels that are not a room's: with Redis Cluster the key prefix
     * in braces, so that they share one slot (the scripts that keep ids and memberships touch many).
     */
    String hubPrefix() {
        return isCluster() ? "{" + keyPrefix + "}" : keyPrefix;
    }

    /** The seed nodes of a {@code redis-cluster://[password@]host:port[,host:port...]} URI. */
    static java.util.List<RedisURI> clusterSeeds(String uri) {
        String rest = uri.substring(CLUSTER_SCHEME.length());
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            password = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        java.util.List<RedisURI> seeds = new java.util.ArrayList<>();
        for (String hostPort : rest.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (hostPort.isBlank() || colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("each seed must be host:port, was '" + hostPort + "'");
            }
            RedisURI.Builder seed;
            try {
                seed = RedisURI.builder().withHost(hostPort.substring(0, colon))
                        .withPort(Integer.parseInt(hostPort.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("each seed must be host:port, was '" + hostPort + "'", e);
            }
            if (password != null) {
                seed.withPassword(password.toCharArray());
            }
            seeds.add(seed.build());
        }
        return seeds;
    }

    private static final String CLUSTER_SCHEME = "redis-cluster://";

    static String redacted(String uri) {
        return uri.replaceFirst("//[^@/]*@", "//***@");
    }

    /** A builder for a node of the cluster behind this Redis URI, holding the defaults. */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    /** Options with the defaults, for a node of the cluster behind this Redis URI. */
    public static RedisBrokerOptions of(String uri) {
        return builder(uri).build();
    }

    /**
     * How long at most a crashed node's sessions stay in the other nodes' member lists and
     * private-message targets: its entries expire {@code expiry} after its last heartbeat, and
     * every node drops expired nodes at its next refresh.
     */
    public Duration staleBound() {
        return expiry.plus(refreshInterval);
    }

    /** Builds {@link RedisBrokerOptions}; starts from the defaults. */
    public static final class Builder {
        private final String uri;
        private String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
        private String keyPrefix = "wshub:";
        private Duration expiry = Duration.ofSeconds(15);
        private Duration refreshInterval = Duration.ofSeconds(5);
        private Duration commandTimeout = Duration.ofSeconds(1);
        private Duration startupTimeout = Duration.ofSeconds(10);
        private Duration canaryInterval = Duration.ofSeconds(1);
        private Duration canaryTimeout = Duration.ofSeconds(2);
        private Breaker breaker = Breaker.DEFAULTS;

        private Builder(String uri) {
            this.uri = uri;
        }

        /** This node's name in the cluster; unique among the nodes sharing the key prefix. */
        public Builder nodeId(String v) {
            nodeId = v;
            return this;
        }

        /** The prefix of every key and channel the cluster uses. */
        public Builder keyPrefix(String v) {
            keyPrefix = v;
            return this;
        }

        /** How long this node's entries live in Redis after its last heartbeat. */
        public Builder expiry(Duration v) {
            expiry = v;
            return this;
        }

        /** How often this node beats and refreshes its view of the others. */
        public Builder refreshInterval(Duration v) {
            refreshInterval = v;
            return this;
        }

        /** The longest a Redis command (or a connection attempt) may take before it fails. */
        public Builder commandTimeout(Duration v) {
            commandTimeout = v;
            return this;
        }

        /**
         * How long the hub refuses clients with 503 while this node joins its cluster (subscribes,
         * registers and reads the others' entries); after it the node serves them degraded, joins
         * as soon as Redis answers, and the log says why it had not.
         */
        public Builder startupTimeout(Duration v) {
            startupTimeout = v;
            return this;
        }

        /** How often this node publishes a canary to itself through Redis. */
        public Builder canaryInterval(Duration v) {
            canaryInterval = v;
            return this;
        }

        /** How soon a canary must come back through this node's subscription for the canary check to pass. */
        public Builder canaryTimeout(Duration v) {
            canaryTimeout = v;
            return this;
        }

        /** When the circuit breaker around the Redis calls that wait opens and closes; {@link Breaker#DEFAULTS} by default. */
        public Builder breaker(Breaker v) {
            breaker = v;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the field and the value that is wrong
         */
        public RedisBrokerOptions build() {
            return new RedisBrokerOptions(uri, nodeId, keyPrefix, expiry, refreshInterval, commandTimeout, startupTimeout,
                    canaryInterval, canaryTimeout, breaker);
        }
    }

    /**
     * When the node's circuit breaker around the Redis calls that wait (session id claims, and
     * every other call a client's upgrade or a history read would wait for) opens, and when it
     * closes again. It counts the calls of the last {@code window}: once at least
     * {@code minimumCalls} were made and {@code failureRatePercent} of them failed (an error or
     * {@code commandTimeout}), or {@code slowCallRatePercent} took longer than
     * {@code slowCallDuration}, it opens. While open, those calls fail at once. After
     * {@code openDuration} it lets {@code halfOpenCalls} probes through (the node sends
     * {@code PING}s of its own, so it recovers without client traffic); if they pass it closes,
     * else it opens again.
     *
     * <table>
     *   <caption>Fields and defaults</caption>
     *   <tr><td>{@code failureRatePercent}</td><td>50</td></tr>
     *   <tr><td>{@code slowCallDuration}</td><td>500 ms (Redis answers in well under a millisecond); one of
     *       {@code commandTimeout} or more counts failures only, since a call that long has timed out</td></tr>
     *   <tr><td>{@code slowCallRatePercent}</td><td>50</td></tr>
     *   <tr><td>{@code minimumCalls}</td><td>5</td></tr>
     *   <tr><td>{@code window}</td><td>10 s, whole seconds</td></tr>
     *   <tr><td>{@code openDuration}</td><td>5 s</td></tr>
     *   <tr><td>{@code halfOpenCalls}</td><td>3</td></tr>
     * </table>
     *
     * @param failureRatePercent  the share of failed calls, 1 to 100, that opens the breaker
     * @param slowCallDuration    how long a call may take before it counts as slow
     * @param slowCallRatePercent the share of slow calls, 1 to 100, that opens the breaker
     * @param minimumCalls        how many calls the window must hold before the rates count
     * @param window              how far back the calls are counted
     * @param openDuration        how long the breaker stays open before it probes
     * @param halfOpenCalls       how many probes must pass to close it again
     */
    public record Breaker(int failureRatePercent, Duration slowCallDuration, int slowCallRatePercent, int minimumCalls,
                          Duration window, Duration openDuration, int halfOpenCalls) {

        /** The defaults above. */
        public static final Breaker DEFAULTS = new Breaker(50, Duration.ofMillis(500), 50, 5, Duration.ofSeconds(10),
                Duration.ofSeconds(5), 3);

        /** Validates every field, naming it and its value in the error. */
        public Breaker {
            requirePercent("breaker.failureRatePercent", failureRatePercent);
            requirePercent("breaker.slowCallRatePercent", slowCallRatePercent);
            requirePositive("breaker.slowCallDuration", slowCallDuration);
            requirePositive("breaker.window", window);
            requirePositive("breaker.openDuration", openDuration);
            if (window.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("breaker.window must be whole seconds, was " + window);
            }
            if (minimumCalls < 1) {
                throw new IllegalArgumentException("breaker.minimumCalls must be at least 1, was " + minimumCalls);
            }
            if (halfOpenCalls < 1) {
                throw new IllegalArgumentException("breaker.halfOpenCalls must be at least 1, was " + halfOpenCalls);
            }
        }

        private static void requirePercent(String field, int value) {
            if (value < 1 || value > 100) {
                throw new IllegalArgumentException(field + " must be 1 to 100, was " + value);
            }
        }
    }
}
