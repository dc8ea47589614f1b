/**
 * The Redis broker: a hub on several nodes, linked through Redis (Lettuce). Users need
 * {@link io.wshub.redis.RedisBroker} and {@link io.wshub.redis.RedisBrokerOptions}; everything
 * else here is internal. docs/scaling.md describes the topology, what crosses Redis, the ordering
 * and staleness guarantees and what an outage loses.
 */
package io.wshub.redis;
