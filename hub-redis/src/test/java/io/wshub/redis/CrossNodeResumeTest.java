package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hubs with the delivery guarantees on, linked by one Redis: a session cut off on one node
 * resumes on another, still one session, in its rooms and with its inbox, with what it missed in
 * the seq order every other member saw, and nobody hears it leave.
 */
class CrossNodeResumeTest extends GuaranteedCluster {

    @Test
    void aSessionCutOffOnOneNodeResumesOnAnotherWithEveryMissedRoomAndPrivateMessageInOrder() {
        Peer alice = new Peer(a.transport.connect("alice"));
        JsonNode welcome = alice.next("welcome");
        String token = welcome.path("resume").asText();
        JsonNode inbox = welcome.path("inbox");
        JsonNode joined = alice.join("r");
        String epoch = joined.path("epoch").asText();
        Peer bob = b.connect("bob");
        Peer carol = c.connect("carol");
        bob.joinRoom("r");
        carol.joinRoom("r");
        await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").size() == 3);
        bob.sendJson("room_message", "room", "r", "content", "before", "ref", "0");
        long seen = alice.next("room_message").path("seq").asLong();
        carol.next("room_message");
        bob.next("ack"); // not left to come among what follows
        bob.discardReceived();

        alice.client().abort(); // cut off: node a holds the session
        await().atMost(TestNode.WAIT).until(() -> heldOn(a));
        for (int i = 0; i < 5; i++) {
            for (Peer p : List.of(bob, carol)) {
                String content = p.id() + "-" + i;
                p.sendJson("room_message", "room", "r", "content", content, "ref", content);
            }
        }
        // The order every other member saw: bob's acks give his messages' seqs, what he got carol's.
        java.util.TreeMap<Long, String> order = orderSeenBy(bob, 10);
        for (int i = 1; i <= 3; i++) { // kept in its inbox on node a, and written through to Redis
            carol.sendJson("private_message", "to", "alice", "content", "p" + i, "ref", "p" + i);
            carol.next("ack");
        }
        awaitInboxInRedis(prefix, "alice", 3); // in the inbox the take-over reads: replayed with it, in the order checked below
        assertThat(order.firstKey()).isEqualTo(seen + 1);
        assertThat(order.lastKey()).isEqualTo(seen + 10);
        List<String> sent = new ArrayList<>(order.values());

        Peer back = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
        JsonNode resumedWelcome = back.next("welcome");
        assertThat(resumedWelcome.path("resumed").asBoolean()).isTrue();
        assertThat(resumedWelcome.path("id").asText()).isEqualTo("alice");
        assertThat(resumedWelcome.path("rooms").toString()).isEqualTo("[\"r\"]");
        back.send("{\"type\":\"resume\",\"rooms\":{\"r\":{\"seq\":" + seen + ",\"epoch\":\"" + epoch + "\"}},"
                + "\"inbox\":" + inbox + "}");
        JsonNode resumed = back.next("resumed");
        assertThat(resumed.path("rooms").path("r").asBoolean()).isTrue();
        assertThat(resumed.path("inbox").asBoolean()).isTrue();
        List<JsonNode> replayed = new ArrayList<>(); // every frame after resumed, in order
        for (int i = 0; i < sent.size() + 3; i++) {
            replayed.add(back.nextJson());
        }
        List<String> got = new ArrayList<>();
        long seq = seen;
        for (JsonNode m : replayed.subList(0, sent.size())) {
            assertThat(m.path("type").asText()).as("%s", replayed).isEqualTo("room_message");
            assertThat(m.path("seq").asLong()).isEqualTo(++seq);
            got.add(m.path("content").asText());
        }
        assertThat(got).containsExactlyElementsOf(sent); // each at the seq bob saw it at
        for (int i = 1; i <= 3; i++) { // then its inbox, in order, at the seqs node a gave
            JsonNode p = replayed.get(sent.size() + i - 1);
            assertThat(p.path("type").asText()).as("%s", replayed).isEqualTo("private_message");
            assertThat(p.path("content").asText()).isEqualTo("p" + i);
            assertThat(p.path("seq").asLong()).isEqualTo(i);
        }

        // One session: node a let it go, and the room goes on with it on node b.
        await().atMost(TestNode.WAIT).until(() -> a.hub.session("alice").isEmpty());
        assertThat(a.hub.rooms().localMembers("r")).isEmpty();
        assertThat(b.hub.session("alice")).isPresent();
        carol.sendJson("private_message", "to", "alice", "content", "p4");
        JsonNode p4 = back.next("private_message"); // its inbox goes on where it was
        assertThat(p4.path("seq").asLong()).isEqualTo(4);
        // node a's discard of the session it let go leaves the inbox node b holds now, for a next move
        awaitInboxInRedis(prefix, "alice", 4);
        carol.sendJson("room_message", "room", "r", "content", "after");
        JsonNode live = back.next("room_message");
        assertThat(live.path("content").asText()).isEqualTo("after");
        assertThat(live.path("seq").asLong()).isEqualTo(seq + 1);
        // Nobody heard it leave.
        bob.sendJson("broadcast", "content", "barrier");
        carol.next("broadcast");
        for (Peer p : List.of(bob, carol)) {
            assertThat(p.drained("user_left_room")).isEmpty();
            assertThat(p.drained("user_left")).isEmpty();
        }
    }

    @Test
    void aMessageSentAgainAfterAResumeOnAnotherNodeIsAcknowledgedAgainAndHandledOnce() {
        Peer alice = new Peer(a.transport.connect("alice"));
        String token = alice.next("welcome").path("resume").asText();
        alice.joinRoom("r");
        Peer bob = b.connect("bob");
        bob.joinRoom("r");
        await().atMost(TestNode.WAIT).until(() -> a.hub.rooms().members("r").size() == 2);
        alice.sendJson("room_message", "room", "r", "content", "once", "ref", "x");
        long acked = alice.next("ack").path("seq").asLong();
        assertThat(bob.next("room_message").path("seq").asLong()).isEqualTo(acked);
        awaitRefsInRedis(prefix, "alice", 1); // written through without waiting: a cut-off in between would lose it

        alice.client().abort(); // its client never saw the ack, say, and sends the message again on node b
        await().atMost(TestNode.WAIT).until(() -> heldOn(a));
        Peer back = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
        assertThat(back.next("welcome").path("resumed").asBoolean()).isTrue();
        back.send("{\"type\":\"resume\",\"rooms\":{}}");
        back.next("resumed");
        back.sendJson("room_message", "room", "r", "content", "once", "ref", "x");
        JsonNode again = back.next("ack");
        assertThat(again.path("ref").asText()).isEqualTo("x");
        assertThat(again.path("seq").asLong()).isEqualTo(acked);
        assertThat(b.hub.stats().delivery().duplicates()).isEqualTo(1);

        back.sendJson("room_message", "room", "r", "content", "after", "ref", "y"); // a new ref is handled, after it
        assertThat(back.next("ack").path("seq").asLong()).isEqualTo(acked + 1);
        JsonNode next = bob.next("room_message"); // the room got the first one once
        assertThat(next.path("content").asText()).isEqualTo("after");
        assertThat(next.path("seq").asLong()).isEqualTo(acked + 1);
        awaitRefsInRedis(prefix, "alice", 2); // node b writes on where node a left off, and node a's end drops nothing
        await().atMost(TestNode.WAIT).until(() -> a.hub.session("alice").isEmpty());
        assertThat(a.store.lostRefWrites()).isZero();
    }

    @Test
    void aTokenWorksOnceAndAForgedOneGetsAFreshSession() {
        Peer alice = new Peer(a.transport.connect("alice"));
        String token = alice.next("welcome").path("resume").asText();
        alice.client().abort();
        await().atMost(TestNode.WAIT).until(() -> heldOn(a));

        assertResumesOnce(token, "alice");
        Peer forged = new Peer(c.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", (token.startsWith("x") ? "y" : "x") + token.substring(1)).build()));
        assertThat(forged.next("welcome").path("resumed").asBoolean()).isFalse();
    }

    private static boolean heldOn(TestNode node) {
        return node.hub.session("alice").map(s -> s.isHeld()).orElse(false);
    }

    /** Waits until the session's handled refs, written through by its node, are this many in Redis. */
    static void awaitRefsInRedis(String prefix, String sessionId, long refs) {
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
             var connection = client.connect()) {
            await().atMost(TestNode.WAIT)
                    .until(() -> connection.sync().hlen(prefix + "session:" + sessionId + ":refs:acks") == refs);
        }
    }

    /** Waits until the session's inbox, written through by its node, holds this many messages in Redis. */
    static void awaitInboxInRedis(String prefix, String sessionId, long messages) {
        try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
             var connection = client.connect()) {
            await().atMost(TestNode.WAIT)
                    .until(() -> connection.sync().xlen(prefix + "session:" + sessionId + ":inbox:log") == messages);
        }
    }
}
