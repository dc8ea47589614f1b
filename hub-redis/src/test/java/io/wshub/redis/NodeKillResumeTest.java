package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node killed with SIGKILL (a JVM of its own, beside the three of the cluster) after its session
 * was cut off: the session resumes on another node, in its rooms, with every room and private
 * message it missed (those sent to it after its node died too), in the order the other members saw, a message it sends again is acknowledged
 * again and not handled again, and nobody heard it leave.
 */
class NodeKillResumeTest extends GuaranteedCluster {

    @Test
    void aSessionOfAKilledNodeResumesOnAnotherWithEveryMissedRoomMessage() throws Exception {
        try (NodeProcess k = NodeProcess.start(redis.uri(), prefix, "k", "+r", "alice")) {
            String[] alice = k.sessions().get(0); // id, token, room epoch, room seq (its message's, acked), inbox epoch
            Peer bob = b.connect("bob");
            Peer carol = c.connect("carol");
            bob.joinRoom("r");
            carol.joinRoom("r");
            await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").containsAll(List.of("alice", "carol")));

            k.cutSessions(); // its node holds it, and keeps its private messages in its inbox...
            for (int i = 1; i <= 3; i++) {
                carol.sendJson("private_message", "to", "alice", "content", "p" + i, "ref", "p" + i);
                carol.next("ack");
            }
            CrossNodeResumeTest.awaitInboxInRedis(prefix, "alice", 3); // ...written through to Redis, as its handled ref
            CrossNodeResumeTest.awaitRefsInRedis(prefix, "alice", 1);
            carol.discardReceived();
            k.kill(); // and then it dies
            carol.sendJson("private_message", "to", "alice", "content", "p4", "ref", "p4"); // to a node that is gone...
            carol.next("ack");
            for (int i = 0; i < 5; i++) {
                for (Peer p : List.of(bob, carol)) {
                    p.sendJson("room_message", "room", "r", "content", p.id() + "-" + i, "ref", p.id() + "-" + i);
                }
            }
            TreeMap<Long, String> order = orderSeenBy(bob, 10); // as bob saw it
            // Past the staleness bound: the cluster has noticed that node a is gone.
            await().atMost(TestNode.WAIT).until(() -> !b.broker.view().nodes().contains("k"));
            carol.sendJson("private_message", "to", "alice", "content", "p5", "ref", "p5"); // ...known to be gone:
            awaitAck(carol, "p5"); // Redis keeps both for the node that takes alice over

            Peer back = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", alice[1]).build()));
            JsonNode welcome = back.next("welcome");
            assertThat(welcome.path("resumed").asBoolean()).isTrue();
            assertThat(welcome.path("id").asText()).isEqualTo("alice");
            assertThat(welcome.path("rooms").toString()).isEqualTo("[\"r\"]");
            back.send("{\"type\":\"resume\",\"rooms\":{\"r\":{\"seq\":" + alice[3] + ",\"epoch\":\"" + alice[2] + "\"}},"
                    + "\"inbox\":{\"seq\":0,\"epoch\":\"" + alice[4] + "\"}}");
            JsonNode resumed = back.next("resumed");
            assertThat(resumed.path("rooms").path("r").asBoolean()).isTrue();
            assertThat(resumed.path("inbox").asBoolean()).isTrue();
            List<String> got = new ArrayList<>();
            for (long seq : order.keySet()) {
                JsonNode m = back.next("room_message");
                assertThat(m.path("seq").asLong()).isEqualTo(seq);
                got.add(m.path("content").asText());
            }
            assertThat(got).containsExactlyElementsOf(order.values());
            for (int i = 1; i <= 5; i++) {
                JsonNode p = back.next("private_message");
                assertThat(p.path("content").asText()).isEqualTo("p" + i);
                assertThat(p.path("seq").asLong()).isEqualTo(i);
            }

            back.sendJson("room_message", "room", "r", "content", "once", "ref", NodeProcess.ONCE); // sent again
            JsonNode again = back.next("ack");
            assertThat(again.path("seq").asLong()).isEqualTo(Long.parseLong(alice[3])); // acknowledged again, not handled
            carol.sendJson("room_message", "room", "r", "content", "after");
            assertThat(back.next("room_message").path("content").asText()).isEqualTo("after");
            assertThat(bob.next("room_message").path("content").asText()).isEqualTo("after");
            bob.sendJson("broadcast", "content", "barrier");
            carol.next("broadcast");
            for (Peer p : List.of(bob, carol)) {
                assertThat(p.drained("user_left_room")).isEmpty();
                assertThat(p.drained("user_left")).isEmpty();
            }
        }
    }
    /** Reads up to the ack of this ref, past the acks of what the peer sent before it. */
    private static void awaitAck(Peer peer, String ref) {
        while (!peer.next("ack").path("ref").asText().equals(ref)) {
            // the ack of an earlier message, e.g. of a room message the test did not wait for
        }
    }

    /**
     * Nothing was ever written to alice's inbox before her node died: what is sent to her then still
     * reaches her on the node that takes her over, in the inbox epoch her client knows.
     */
    @Test
    void privateMessagesSentAfterItsNodeDiedReachASessionWhoseInboxWasEmpty() throws Exception {
        try (NodeProcess k = NodeProcess.start(redis.uri(), prefix, "k", "+r", "alice")) {
            String[] alice = k.sessions().get(0);
            Peer carol = c.connect("carol");
            await().atMost(TestNode.WAIT).until(() -> c.broker.view().nodeOf("alice") != null);
            k.cutSessions();
            k.kill();
            for (int i = 1; i <= 2; i++) {
                carol.sendJson("private_message", "to", "alice", "content", "p" + i, "ref", "p" + i);
                carol.next("ack");
            }

            Peer back = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", alice[1]).build()));
            assertThat(back.next("welcome").path("resumed").asBoolean()).isTrue();
            back.send("{\"type\":\"resume\",\"rooms\":{\"r\":{\"seq\":" + alice[3] + ",\"epoch\":\"" + alice[2] + "\"}},"
                    + "\"inbox\":{\"seq\":0,\"epoch\":\"" + alice[4] + "\"}}");
            assertThat(back.next("resumed").path("inbox").asBoolean()).as("the inbox recovered, in its epoch").isTrue();
            for (int i = 1; i <= 2; i++) {
                JsonNode p = back.next("private_message");
                assertThat(p.path("content").asText()).isEqualTo("p" + i);
                assertThat(p.path("seq").asLong()).isEqualTo(i);
            }
        }
    }
}
