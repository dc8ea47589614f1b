package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two hubs with the delivery guarantees on, on a real three-shard Redis Cluster started by the
 * test: rooms live on different shards (their keys and channel by the room's hash tag), room and
 * private messages cross nodes, a session resumes on the other node, and a shard's primary
 * restarting empty costs its rooms their history (a new epoch) and nothing else.
 */
class RedisClusterTest {

    private static RedisClusterServer redis;
    private String prefix;
    private TestNode a;
    private TestNode b;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisClusterServer.start();
    }

    @AfterAll
    static void stopCluster() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void startNodes() {
        prefix = TestNode.freshPrefix();
        a = new TestNode(redis.uri(), prefix, "a", TestNode.guarantees()).awaitUp();
        b = new TestNode(redis.uri(), prefix, "b", TestNode.guarantees()).awaitUp();
    }

    @AfterEach
    void stopNodes() throws Exception {
        TestNode.closeAll(a, b);
    }

    /** One room name per shard: room i's keys and channel are on shard i. */
    private static List<String> roomPerShard() {
        List<String> rooms = new ArrayList<>(List.of("", "", ""));
        for (int i = 0; rooms.contains(""); i++) {
            String room = "room-" + i;
            int shard = RedisClusterServer.shardOf(room);
            if (rooms.get(shard).isEmpty()) {
                rooms.set(shard, room);
            }
        }
        return rooms;
    }

    /** Has each peer join the room of each shard; returns those rooms. */
    private static List<String> joinARoomPerShard(Peer... peers) {
        List<String> rooms = roomPerShard();
        for (String room : rooms) {
            for (Peer p : peers) {
                p.joinRoom(room);
            }
        }
        return rooms;
    }

    @Test
    void roomsOnEveryShardCarryCrossNodeRoomMessagesEachInItsSeqOrder() throws Exception {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        List<String> rooms = joinARoomPerShard(alice, bob);
        for (int i = 1; i <= 5; i++) {
            for (String room : rooms) {
                alice.sendJson("room_message", "room", room, "content", room + "/" + i);
            }
        }
        java.util.Map<String, List<Long>> seqs = new java.util.HashMap<>();
        for (int i = 0; i < 15; i++) {
            JsonNode m = bob.next("room_message");
            seqs.computeIfAbsent(m.path("room").asText(), r -> new ArrayList<>()).add(m.path("seq").asLong());
        }
        for (String room : rooms) {
            assertThat(seqs.get(room)).as(room).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
        // Every room's history is on its own shard.
        for (int shard = 0; shard < RedisClusterServer.SHARDS; shard++) {
            assertThat(redis.keys(shard, prefix + "room:{" + rooms.get(shard) + "}:*")).as("shard %d", shard)
                    .contains(prefix + "room:{" + rooms.get(shard) + "}:log");
        }
    }

    @Test
    void privateMessagesAndBroadcastsCrossNodes() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        await().atMost(TestNode.WAIT).until(() -> a.hub.stats().brokerUp() && b.hub.stats().brokerUp());
        await().atMost(TestNode.WAIT).until(() -> a.broker.view().nodeOf("bob") != null);
        alice.sendJson("private_message", "to", "bob", "content", "hi");
        assertThat(bob.next("private_message").path("content").asText()).isEqualTo("hi");
        bob.sendJson("broadcast", "content", "all");
        assertThat(alice.next("broadcast").path("content").asText()).isEqualTo("all");
    }

    @Test
    void aSessionResumesOnTheOtherNode() {
        Peer alice = new Peer(a.transport.connect("alice"));
        String token = alice.next("welcome").path("resume").asText();
        String room = roomPerShard().get(2);
        JsonNode joined = alice.join(room);
        String epoch = joined.path("epoch").asText();
        Peer bob = b.connect("bob");
        bob.joinRoom(room);
        await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members(room).size() == 2);
        alice.client().abort();
        await().atMost(TestNode.WAIT).until(() -> a.hub.session("alice").map(s -> s.isHeld()).orElse(false));
        bob.sendJson("room_message", "room", room, "content", "while away", "ref", "1");
        long seq = bob.next("ack").path("seq").asLong();

        Peer back = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
        assertThat(back.next("welcome").path("resumed").asBoolean()).isTrue();
        back.send("{\"type\":\"resume\",\"rooms\":{\"" + room + "\":{\"seq\":0,\"epoch\":\"" + epoch + "\"}}}");
        assertThat(back.next("resumed").path("rooms").path(room).asBoolean()).isTrue();
        JsonNode missed = back.next("room_message");
        assertThat(missed.path("content").asText()).isEqualTo("while away");
        assertThat(missed.path("seq").asLong()).isEqualTo(seq);
    }

    @Test
    void aShardPrimaryRestartedEmptyCostsItsRoomsTheirHistoryAndNothingElse() throws Exception {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        List<String> rooms = joinARoomPerShard(alice, bob);
        String restarted = rooms.get(1);
        String kept = rooms.get(0);
        alice.sendJson("room_message", "room", restarted, "content", "before");
        assertThat(bob.next("room_message").path("seq").asLong()).isEqualTo(1);

        redis.restart(1);

        // Its rooms start a new history; the other shards' rooms go on where they were.
        await().atMost(TestNode.WAIT).untilAsserted(() -> {
            alice.sendJson("room_message", "room", restarted, "content", "after", "ref", "r" + System.nanoTime());
            JsonNode m = bob.next("room_message");
            assertThat(m.path("content").asText()).isEqualTo("after");
        });
        alice.sendJson("room_message", "room", kept, "content", "kept");
        JsonNode m;
        do {
            m = bob.next("room_message");
        } while (!m.path("room").asText().equals(kept));
        assertThat(m.path("seq").asLong()).isEqualTo(1);
        // Cut off for longer than the view's patience, node a forgot node b's sessions; it hears them
        // again when node b registers anew (room messages, on their shards' channels, need no view).
        await().atMost(TestNode.WAIT).until(() -> "b".equals(a.broker.view().nodeOf("bob")));
        alice.sendJson("private_message", "to", "bob", "content", "still here");
        assertThat(bob.next("private_message").path("content").asText()).isEqualTo("still here");
    }
}
