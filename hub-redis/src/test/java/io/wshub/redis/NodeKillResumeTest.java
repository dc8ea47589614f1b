package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node killed with SIGKILL (a JVM of its own): its session resumes on another node, in its
 * rooms, with every room message it missed in the order the other members saw, and nobody heard it
 * leave.
 */
class NodeKillResumeTest {

    private static RedisServer redis;

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

    @Test
    void aSessionOfAKilledNodeResumesOnAnotherWithEveryMissedRoomMessage() throws Exception {
        String prefix = TestNode.freshPrefix();
        TestNode b = new TestNode(redis.uri(), prefix, "b", TestNode.guarantees()).awaitUp();
        TestNode c = new TestNode(redis.uri(), prefix, "c", TestNode.guarantees()).awaitUp();
        try (NodeProcess a = NodeProcess.start(redis.uri(), prefix, "a", "+r", "alice")) {
            String[] alice = a.sessions().get(0); // id, token, epoch, seq
            Peer bob = b.connect("bob");
            Peer carol = c.connect("carol");
            bob.joinRoom("r");
            carol.joinRoom("r");
            await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").containsAll(List.of("alice", "carol")));

            a.kill();
            for (int i = 0; i < 5; i++) {
                for (Peer p : List.of(bob, carol)) {
                    p.sendJson("room_message", "room", "r", "content", p.id() + "-" + i, "ref", p.id() + "-" + i);
                }
            }
            TreeMap<Long, String> order = new TreeMap<>(); // as bob saw it: his acks, and carol's messages
            while (order.size() < 10) {
                JsonNode m = bob.nextJson();
                if (m.path("type").asText().equals("ack")) {
                    order.put(m.path("seq").asLong(), m.path("ref").asText());
                } else if (m.path("type").asText().equals("room_message")) {
                    order.put(m.path("seq").asLong(), m.path("content").asText());
                }
            }
            // Past the staleness bound: the cluster has noticed that node a is gone.
            await().atMost(TestNode.WAIT).until(() -> !b.broker.view().nodes().contains("a"));

            Peer back = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", alice[1]).build()));
            JsonNode welcome = back.next("welcome");
            assertThat(welcome.path("resumed").asBoolean()).isTrue();
            assertThat(welcome.path("id").asText()).isEqualTo("alice");
            assertThat(welcome.path("rooms").toString()).isEqualTo("[\"r\"]");
            back.send("{\"type\":\"resume\",\"rooms\":{\"r\":{\"seq\":" + alice[3] + ",\"epoch\":\"" + alice[2] + "\"}}}");
            assertThat(back.next("resumed").path("rooms").path("r").asBoolean()).isTrue();
            List<String> got = new ArrayList<>();
            for (long seq : order.keySet()) {
                JsonNode m = back.next("room_message");
                assertThat(m.path("seq").asLong()).isEqualTo(seq);
                got.add(m.path("content").asText());
            }
            assertThat(got).containsExactlyElementsOf(order.values());

            carol.sendJson("room_message", "room", "r", "content", "after");
            assertThat(back.next("room_message").path("content").asText()).isEqualTo("after");
            bob.sendJson("broadcast", "content", "barrier");
            carol.next("broadcast");
            for (Peer p : List.of(bob, carol)) {
                assertThat(p.drained("user_left_room")).isEmpty();
                assertThat(p.drained("user_left")).isEmpty();
            }
        } finally {
            TestNode.closeAll(b, c);
        }
    }
}
