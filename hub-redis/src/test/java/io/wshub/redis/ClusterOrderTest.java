package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hubs with room history on, linked by one Redis: each room has one seq order for the whole
 * cluster, whichever nodes its senders are on, and a join on any node recovers from it.
 */
class ClusterOrderTest extends GuaranteedCluster {

    private static final int PER_SENDER = 40;

    @Test
    void membersOnDifferentNodesSeeOneSeqOrderWithSendersOnEveryNode() throws Exception {
        List<Peer> peers = List.of(a.connect("alice"), b.connect("bob"), c.connect("carol"));
        for (Peer p : peers) {
            p.joinRoom("r");
        }
        await().atMost(TestNode.WAIT).until(() -> a.hub.rooms().members("r").size() == 3
                && b.hub.rooms().members("r").size() == 3 && c.hub.rooms().members("r").size() == 3);
        // The later joins' presence crosses Redis too: a barrier message from each node, after it.
        for (Peer p : peers) {
            p.sendJson("broadcast", "content", "barrier");
        }
        for (Peer p : peers) {
            for (int i = 0; i < peers.size() - 1; i++) {
                p.next("broadcast");
            }
            p.discardReceived();
        }

        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (Peer p : peers) {
            sending.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < PER_SENDER; i++) {
                    p.sendJson("room_message", "room", "r", "content", p.id() + "-" + i, "ref", p.id() + i);
                }
            }));
        }
        CompletableFuture.allOf(sending.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);

        int total = PER_SENDER * peers.size();
        List<Long> everySeq = java.util.stream.LongStream.rangeClosed(1, total).boxed().toList();
        Map<Long, String> order = new HashMap<>(); // seq -> content, as the others saw it
        for (Peer p : peers) {
            List<Long> seen = new ArrayList<>();
            Map<Long, String> own = new HashMap<>(); // seq -> content, as its acks tell
            while (seen.size() + own.size() < total) {
                JsonNode m = p.nextJson();
                String type = m.path("type").asText();
                if (type.equals("ack")) {
                    String ref = m.path("ref").asText();
                    own.put(m.path("seq").asLong(), p.id() + "-" + ref.substring(p.id().length()));
                    continue;
                }
                assertThat(type).isEqualTo("room_message");
                long seq = m.path("seq").asLong();
                seen.add(seq);
                String before = order.putIfAbsent(seq, m.path("content").asText());
                assertThat(before).as("seq %d", seq).isIn(null, m.path("content").asText());
            }
            assertThat(seen).as("%s's seqs", p.id()).isSorted().doesNotHaveDuplicates();
            List<Long> all = new ArrayList<>(seen);
            all.addAll(own.keySet());
            assertThat(all).as("%s's seqs and its acks'", p.id()).containsExactlyInAnyOrderElementsOf(everySeq);
            own.forEach((seq, content) -> assertThat(order.putIfAbsent(seq, content)).isIn(null, content));
        }
        assertThat(order).hasSize(total);
    }

    @Test
    void aJoinOnAnotherNodeRecoversWhatTheRoomSaidBeforeFromTheClusterHistory() {
        Peer alice = a.connect("alice");
        JsonNode joined = alice.join("r");
        String epoch = joined.path("epoch").asText();
        assertThat(joined.path("seq").asLong()).isZero();
        for (int i = 1; i <= 5; i++) {
            alice.sendJson("room_message", "room", "r", "content", "m" + i, "ref", "m" + i);
            assertThat(alice.next("ack").path("seq").asLong()).isEqualTo(i);
        }

        Peer bob = b.connect("bob");
        bob.send("{\"type\":\"join_room\",\"room\":\"r\",\"since\":{\"seq\":2,\"epoch\":\"" + epoch + "\"}}");
        JsonNode bobJoined = bob.next("room_joined");
        assertThat(bobJoined.path("recovered").asBoolean()).isTrue();
        assertThat(bobJoined.path("epoch").asText()).isEqualTo(epoch);
        assertThat(bobJoined.path("seq").asLong()).isEqualTo(5);
        for (int i = 3; i <= 5; i++) {
            JsonNode m = bob.next("room_message");
            assertThat(m.path("seq").asLong()).isEqualTo(i);
            assertThat(m.path("content").asText()).isEqualTo("m" + i);
        }

        alice.sendJson("room_message", "room", "r", "content", "m6");
        JsonNode live = bob.next("room_message");
        assertThat(live.path("seq").asLong()).isEqualTo(6);
        assertThat(live.path("content").asText()).isEqualTo("m6");
    }

    @Test
    void aJoinFromAnUnknownEpochIsNotRecovered() {
        Peer alice = a.connect("alice");
        alice.joinRoom("r");
        alice.sendJson("room_message", "room", "r", "content", "m1", "ref", "1");
        alice.next("ack");

        Peer bob = c.connect("bob");
        bob.send("{\"type\":\"join_room\",\"room\":\"r\",\"since\":{\"seq\":0,\"epoch\":\"gone\"}}");
        JsonNode joined = bob.next("room_joined");
        assertThat(joined.path("recovered").asBoolean()).isFalse();
        assertThat(joined.path("seq").asLong()).isEqualTo(1);
        alice.sendJson("room_message", "room", "r", "content", "m2");
        assertThat(bob.next("room_message").path("seq").asLong()).isEqualTo(2);
    }

    @Test
    void aRedisThatLostTheHistoriesStartsANewEpochAndAJoinFromTheOldOneIsNotRecovered() throws Exception {
        Peer alice = a.connect("alice");
        String epoch = alice.join("r").path("epoch").asText();
        alice.sendJson("room_message", "room", "r", "content", "m1", "ref", "1");
        assertThat(alice.next("ack").path("seq").asLong()).isEqualTo(1);

        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
             var connection = client.connect()) {
            connection.sync().flushall(); // as a Redis restarted empty, or failed over without the histories
        }
        await().atMost(TestNode.WAIT).until(() -> a.hub.stats().brokerUp() && b.hub.stats().brokerUp());
        alice.sendJson("room_message", "room", "r", "content", "m2", "ref", "2");
        assertThat(alice.next("ack").path("seq").asLong()).isEqualTo(1); // the first of a new epoch

        Peer bob = b.connect("bob");
        bob.send("{\"type\":\"join_room\",\"room\":\"r\",\"since\":{\"seq\":1,\"epoch\":\"" + epoch + "\"}}");
        JsonNode joined = bob.next("room_joined");
        assertThat(joined.path("recovered").asBoolean()).isFalse();
        assertThat(joined.path("epoch").asText()).isNotEqualTo(epoch);
        assertThat(joined.path("seq").asLong()).isEqualTo(1);
    }
}
