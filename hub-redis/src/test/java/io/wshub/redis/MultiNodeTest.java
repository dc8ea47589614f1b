package io.wshub.redis;

import io.wshub.testing.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.SendResult;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Three hubs linked by one Redis, clients on the in-memory transport. */
class MultiNodeTest {

    private static RedisServer redis;
    private TestNode a;
    private TestNode b;
    private TestNode c;

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
        String prefix = TestNode.freshPrefix(); // each test its own cluster
        a = new TestNode(redis.uri(), prefix, "a").awaitUp();
        b = new TestNode(redis.uri(), prefix, "b").awaitUp();
        c = new TestNode(redis.uri(), prefix, "c").awaitUp();
    }

    @AfterEach
    void stopNodes() throws Exception {
        TestNode.closeAll(a, b, c);
    }

    @Test
    void aRoomMessageReachesTheMembersOnEveryOtherNodeOnceAndNotItsSender() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        Peer carol = c.connect("carol");
        Peer dave = c.connect("dave"); // not in the room
        for (Peer p : List.of(alice, bob, carol)) {
            p.join("r");
        }
        await().atMost(TestNode.WAIT).until(() -> a.hub.rooms().members("r").size() == 3);

        alice.sendJson("room_message", "room", "r", "content", "hi");

        expectNext("room_message", "alice", "hi", bob, carol);
        assertThat(carol.drained("room_message")).isEmpty();
        // A broadcast from bob after "hi" crossed Redis: whatever else alice, carol or dave got
        // before it, Redis sent before it.
        bob.sendJson("broadcast", "content", "barrier");
        expectNext("broadcast", "bob", "barrier", alice, carol, dave);
        expectNothingMore("room_message", alice, carol, dave);
    }

    @Test
    void aBroadcastReachesEverySessionOnEveryNodeExactlyOnce() {
        Peer alice = a.connect("alice");
        Peer alice2 = a.connect("alice2");
        Peer bob = b.connect("bob");
        Peer carol = c.connect("carol");
        awaitKnown(a, "bob", "carol");

        alice.sendJson("broadcast", "content", "one");
        expectNext("broadcast", "alice", "one", alice2, bob, carol);
        // Barrier: carol's broadcast reaches node a through Redis after alice's own echo would
        // have, so a duplicate "one" would come before "two".
        carol.sendJson("broadcast", "content", "two");
        expectNext("broadcast", "carol", "two", alice2, bob, alice);
        expectNothingMore("broadcast", alice, alice2);
    }

    @Test
    void aPrivateMessageFindsItsTargetOnAnotherNode() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        awaitKnown(a, "bob");

        alice.sendJson("private_message", "to", "bob", "content", "psst");

        JsonNode m = bob.next("private_message");
        assertThat(m.path("from").asText()).isEqualTo("alice");
        assertThat(m.path("content").asText()).isEqualTo("psst");
        assertThat(c.hub.sendTo("bob", Message.text("{}"))).isEqualTo(SendResult.FORWARDED);
    }

    @Test
    void aPrivateMessageToAnIdNoNodeHoldsIsRefused() {
        Peer alice = a.connect("alice");

        alice.sendJson("private_message", "to", "nobody", "content", "psst");

        assertThat(alice.next("error").path("error").asText()).isEqualTo("User not found");
    }

    @Test
    void theMemberListOfARoomSpansNodes() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        alice.join("r");
        bob.join("elsewhere");
        await().atMost(TestNode.WAIT).until(() -> c.hub.rooms().members("r").contains("alice"));

        Peer carol = c.connect("carol");
        carol.sendJson("join_room", "room", "r");
        JsonNode joined = carol.next("room_joined");

        assertThat(joined.path("members")).extracting(JsonNode::asText).containsExactly("alice", "carol");
        assertThat(alice.next("user_joined_room").path("userId").asText()).isEqualTo("carol");
        await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").equals(List.of("alice", "carol")));
    }

    @Test
    void leavingARoomOrDisconnectingRemovesTheMemberOnEveryNode() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        alice.join("r");
        alice.join("s");
        bob.join("r");
        await().atMost(TestNode.WAIT).until(() -> c.hub.rooms().members("r").equals(List.of("alice", "bob")));

        alice.sendJson("leave_room", "room", "r");
        await().atMost(TestNode.WAIT).until(() -> c.hub.rooms().members("r").equals(List.of("bob")));
        assertThat(c.hub.rooms().members("s")).containsExactly("alice");

        alice.close();
        await().atMost(TestNode.WAIT).until(() -> c.hub.rooms().members("s").isEmpty());
        assertThat(c.hub.sendTo("alice", Message.text("{}"))).isEqualTo(SendResult.NOT_FOUND);
    }

    @Test
    void anIdHeldOnAnotherNodeIsRefusedWith409UntilItsSessionCloses() {
        Peer alice = a.connect("alice");

        assertThatThrownBy(() -> b.transport.connect("alice"))
                .isInstanceOfSatisfying(UpgradeRefusedException.class, e -> assertThat(e.status()).isEqualTo(409));

        alice.close();
        await().atMost(TestNode.WAIT).ignoreExceptions().until(() -> {
            b.connect("alice");
            return true;
        });
        assertThat(a.hub.stats().errors(ErrorKind.BROKER)).isZero();
    }

    @Test
    void framesCrossNodesAsTextOrBinaryWithTheirExactBytes() {
        Peer bob = b.connect("bob");
        awaitKnown(a, "bob");
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        String text = "naïve ☕ 𝄞 \u0000 end";

        a.hub.broadcast(Message.binary(binary));
        a.hub.broadcast(Message.text(text));
        a.hub.sendTo("bob", Message.binary(new byte[0]));

        assertThat(bob.client().nextBinary(Peer.WAIT)).isEqualTo(binary);
        String received = bob.client().nextText(Peer.WAIT);
        assertThat(received.getBytes(StandardCharsets.UTF_8)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        assertThat(bob.client().nextBinary(Peer.WAIT)).isEmpty();
    }

    @Test
    void roomMessagesOfOneSenderArriveOnOtherNodesInTheOrderSent() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        alice.join("r");
        bob.join("r");
        await().atMost(TestNode.WAIT).until(() -> a.hub.rooms().members("r").size() == 2);
        int count = 150; // under the default burst of 200, so the rate limit takes none

        for (int i = 0; i < count; i++) {
            alice.sendJson("room_message", "room", "r", "content", Integer.toString(i));
        }

        List<String> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            received.add(bob.next("room_message").path("content").asText());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(received).isEqualTo(expected);
    }

    @Test
    void aNodeThatStopsGracefullyLeavesTheMemberListsAtOnce() throws Exception {
        Peer alice = a.connect("alice");
        alice.join("r");
        await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").contains("alice"));

        a.close();
        a = null;

        await().atMost(TestNode.EXPIRY.dividedBy(2)).until(() -> b.hub.rooms().members("r").isEmpty());
    }

    @Test
    void everyNodeReportsItselfUpWhileRedisAnswers() {
        for (TestNode n : List.of(a, b, c)) {
            assertThat(n.hub.stats().brokerUp()).as(n.id).isTrue();
            assertThat(n.hub.stats().errors(ErrorKind.BROKER)).as(n.id).isZero();
        }
    }

    /** Each peer's next message of this type is this sender's, with this content. */
    private static void expectNext(String type, String from, String content, Peer... peers) {
        for (Peer p : peers) {
            JsonNode m = p.next(type);
            assertThat(m.path("from").asText()).as(p.id()).isEqualTo(from);
            assertThat(m.path("content").asText()).as(p.id()).isEqualTo(content);
        }
    }

    private static void expectNothingMore(String type, Peer... peers) {
        for (Peer p : peers) {
            assertThat(p.drained(type)).as(p.id()).isEmpty();
        }
    }

    /** Waits until the node knows these sessions on the other nodes. */
    private static void awaitKnown(TestNode node, String... sessionIds) {
        await().atMost(TestNode.WAIT).until(() -> {
            for (String id : sessionIds) {
                if (node.broker.view().nodeOf(id) == null) {
                    return false;
                }
            }
            return true;
        });
    }
}
