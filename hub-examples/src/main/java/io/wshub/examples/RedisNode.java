package io.wshub.examples;

import io.wshub.InProcessBroker;
import io.wshub.redis.RedisBroker;
import io.wshub.redis.RedisBrokerOptions;
import io.wshub.spi.Broker;

/**
 * The example servers as nodes of a cluster ({@code --redis redis://HOST:PORT}): each hub gets a
 * {@link RedisBroker} with the default timings, each path its own cluster (key prefix
 * {@code wshub:<path>:}, so {@code /echo} and {@code /ws} never mix). Without a URI, a single node.
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

    /** The broker of the hub on this path: Redis when a URI is given, else a node of its own. */
    static Broker broker(String uri, String path) {
        if (uri.isEmpty()) {
            return new InProcessBroker();
        }
        return new RedisBroker(RedisBrokerOptions.builder(uri).keyPrefix("wshub:" + path + ":").build());
    }
}
