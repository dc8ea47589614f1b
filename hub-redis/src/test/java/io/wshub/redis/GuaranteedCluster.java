package io.wshub.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of tests on three hubs with the delivery guarantees on ({@link TestNode#guarantees()}),
 * linked by one real Redis: each test a cluster of its own.
 */
abstract class GuaranteedCluster {

    static RedisServer redis;
    String prefix;
    TestNode a;
    TestNode b;
    TestNode c;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void startNodes() {
        prefix = TestNode.freshPrefix();
        a = new TestNode(redis.uri(), prefix, "a", TestNode.guarantees()).awaitUp();
        b = new TestNode(redis.uri(), prefix, "b", TestNode.guarantees()).awaitUp();
        c = new TestNode(redis.uri(), prefix, "c", TestNode.guarantees()).awaitUp();
    }

    @AfterEach
    void stopNodes() throws Exception {
        TestNode.closeAll(a, b, c);
    }
}
