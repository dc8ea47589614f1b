package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.Peer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** The token resumes the session on node b, and then on node c only a fresh session. */
    void assertResumesOnce(String token, String sessionId) {
        Peer first = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
        assertThat(first.next("welcome").path("resumed").asBoolean()).isTrue();
        Peer again = new Peer(c.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
        JsonNode refused = again.next("welcome");
        assertThat(refused.path("resumed").asBoolean()).isFalse();
        assertThat(refused.path("id").asText()).isNotEqualTo(sessionId);
    }

    /**
     * The order a member saw {@code count} room messages in, by seq: its own as its acks tell (their
     * refs must be their contents), the others' as they came.
     */
    static TreeMap<Long, String> orderSeenBy(Peer member, int count) {
        TreeMap<Long, String> order = new TreeMap<>();
        while (order.size() < count) {
            JsonNode m = member.nextJson();
            if (m.path("type").asText().equals("ack")) {
                order.put(m.path("seq").asLong(), m.path("ref").asText());
            } else if (m.path("type").asText().equals("room_message")) {
                order.put(m.path("seq").asLong(), m.path("content").asText());
            }
        }
        return order;
    }
}
