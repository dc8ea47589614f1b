package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.wshub.Handshake;
import io.wshub.HistoryLimits;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session on its way from one node to another: taken over in Redis by node d, whose application
 * is still in its {@code onResumed}, so the session is not yet found there. A private message sent
 * to it then, or one its old node took in before the take-over and wrote after it, reaches it on
 * node d once it is open, before those sent later.
 */
class ArrivalsTest extends GuaranteedCluster {

    private final CountDownLatch taken = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private TestNode d;
    private Peer carol;
    private String token;
    private JsonNode inbox;

    @BeforeEach
    void holdAliceOnNodeA() {
        d = new TestNode(redis.uri(), prefix, "d", TestNode.guarantees(), router -> router.onResumed(session -> {
            taken.countDown();
            try {
                release.await(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS); // the test lets it go on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).awaitUp();
        Peer alice = new Peer(a.transport.connect("alice"));
        JsonNode welcome = alice.next("welcome");
        token = welcome.path("resume").asText();
        inbox = welcome.path("inbox");
        carol = c.connect("carol");
        await().atMost(TestNode.WAIT).until(() -> c.broker.view().nodeOf("alice") != null);
        alice.client().abort();
        await().atMost(TestNode.WAIT).until(() -> a.hub.session("alice").map(s -> s.isHeld()).orElse(false));
    }

    @AfterEach
    void stopNodeD() throws Exception {
        release.countDown();
        TestNode.closeAll(d);
    }

    @Test
    void aPrivateMessageSentWhileTheSessionMovesReachesItOnItsNewNodeBeforeLaterOnes() throws Exception {
        CompletableFuture<Peer> back = resumeOnNodeD();
        carol.sendJson("private_message", "to", "alice", "content", "on its way", "ref", "p1");
        carol.next("ack");
        awaitMailInRedis(1); // kept for node d, not published to it before the session is there

        Peer alice = openOnNodeD(back);
        JsonNode kept = alice.next("private_message");
        assertThat(kept.path("content").asText()).isEqualTo("on its way");
        assertThat(kept.path("seq").asLong()).isEqualTo(1);
        carol.sendJson("private_message", "to", "alice", "content", "after", "ref", "p2");
        JsonNode after = alice.next("private_message");
        assertThat(after.path("content").asText()).isEqualTo("after");
        assertThat(after.path("seq").asLong()).isEqualTo(2);
    }

    @Test
    void aMessageTheOldNodeWroteAfterTheTakeOverReachesTheSessionOnItsNewNode() throws Exception {
        CompletableFuture<Peer> back = resumeOnNodeD();
        // Node a took it in before the take-over (at its inbox's seq 1) and writes it only now.
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, byte[]> connection =
                     client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            List<byte[]> args = new ArrayList<>(List.of(Scripts.utf8("alice"), Scripts.utf8(inbox.path("epoch").asText()),
                    Scripts.utf8("1"), Scripts.utf8("{\"type\":\"private_message\",\"from\":\"carol\",\"content\":\"late\",\"seq\":1}")));
            RoomLog.limits(args, HistoryLimits.DEFAULT);
            Long written = new Scripts(TestNode.options(redis.uri(), prefix, "a"), 0)
                    .<Long>run(connection.async(), Scripts.Script.INBOX, args).get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(written).as("not written to the inbox: node d holds it").isZero();
        }
        awaitMailInRedis(1);

        Peer alice = openOnNodeD(back);
        JsonNode late = alice.next("private_message");
        assertThat(late.path("content").asText()).isEqualTo("late");
        assertThat(late.path("seq").asLong()).as("its seq in the inbox node d continues").isEqualTo(1);
        assertThat(late.toString()).as("one seq, node d's").isEqualTo(
                "{\"type\":\"private_message\",\"from\":\"carol\",\"content\":\"late\",\"seq\":1}");
    }

    /**
     * Resumes alice on node d, on a thread of its own: it waits in node d's onResumed until released,
     * once carol's node has heard that node d holds her (node a's word that it no longer does may
     * reach it first, and a message sent between the two finds nobody: "User not found").
     */
    private CompletableFuture<Peer> resumeOnNodeD() throws InterruptedException {
        CompletableFuture<Peer> back = CompletableFuture.supplyAsync(() -> new Peer(d.transport.connect(
                Handshake.builder().path("/ws").queryParameter("resume", token).build())));
        assertThat(taken.await(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("taken over by node d").isTrue();
        await().atMost(TestNode.WAIT).until(() -> "d".equals(c.broker.view().nodeOf("alice")));
        return back;
    }

    /** Lets node d open the session, and resumes it with the inbox it had. */
    private Peer openOnNodeD(CompletableFuture<Peer> back) throws Exception {
        release.countDown();
        Peer alice = back.get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(alice.next("welcome").path("resumed").asBoolean()).isTrue();
        alice.send("{\"type\":\"resume\",\"inbox\":" + inbox + "}");
        assertThat(alice.next("resumed").path("inbox").asBoolean()).isTrue();
        return alice;
    }

    private void awaitMailInRedis(long messages) {
        try (RedisClient client = RedisClient.create(redis.uri()); var connection = client.connect()) {
            await().atMost(TestNode.WAIT).until(() -> connection.sync().xlen(prefix + "session:alice:mail:log") == messages);
        }
    }
}
