package io.wshub.redis;

import io.wshub.testing.Peer;
import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis dies under two busy nodes and comes back on the same port, empty. */
class RedisOutageTest {

    private RedisServer redis;
    private TestNode a;
    private TestNode b;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        String prefix = TestNode.freshPrefix();
        a = new TestNode(redis.uri(), prefix, "a").awaitUp();
        b = new TestNode(redis.uri(), prefix, "b").awaitUp();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            TestNode.closeAll(a, b);
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void whileRedisIsDownLocalDeliveryGoesOnAndAfterItReturnsCrossNodeDeliveryResumesByItself() throws Exception {
        Peer alice = a.connect("alice");
        Peer alice2 = a.connect("alice2");
        Peer bob = b.connect("bob");
        for (Peer p : List.of(alice, alice2, bob)) {
            p.join("r");
        }
        await().atMost(TestNode.WAIT).until(() -> a.hub.rooms().members("r").size() == 3);
        alice.sendJson("room_message", "room", "r", "content", "before");
        assertThat(bob.next("room_message").path("content").asText()).isEqualTo("before");
        assertThat(alice2.next("room_message").path("content").asText()).isEqualTo("before");

        redis.kill();

        await("a degraded").atMost(TestNode.WAIT).until(() -> !a.hub.stats().brokerUp());
        await("b degraded").atMost(TestNode.WAIT).until(() -> !b.hub.stats().brokerUp());
        long errorsBefore = a.hub.stats().errors(ErrorKind.BROKER);
        alice.sendJson("room_message", "room", "r", "content", "during");
        assertThat(alice2.next("room_message").path("content").asText()).isEqualTo("during");
        await("the failed publish counted").atMost(TestNode.WAIT)
                .until(() -> a.hub.stats().errors(ErrorKind.BROKER) > errorsBefore);
        alice.sendJson("private_message", "to", "bob", "content", "during");
        assertThat(alice.next("error").path("error").asText()).isEqualTo("User not found");

        redis.restart(); // same port, and empty: every node must write its entries again

        await("a up again").atMost(TestNode.WAIT).until(() -> a.hub.stats().brokerUp());
        await("b up again").atMost(TestNode.WAIT).until(() -> b.hub.stats().brokerUp());
        await("member lists span the nodes again").atMost(TestNode.WAIT)
                .until(() -> a.hub.rooms().members("r").equals(List.of("alice", "alice2", "bob"))
                        && b.hub.rooms().members("r").equals(List.of("alice", "alice2", "bob")));
        alice.sendJson("room_message", "room", "r", "content", "after");
        assertThat(bob.next("room_message").path("content").asText()).isEqualTo("after");
        assertThat(bob.drained("room_message")).as("nothing published during the outage arrives late").isEmpty();
        bob.sendJson("private_message", "to", "alice", "content", "welcome back");
        assertThat(alice.next("private_message").path("content").asText()).isEqualTo("welcome back");
    }

    @Test
    void whileRedisIsDownNothingWaitsOnIt() throws Exception {
        Peer alice = a.connect("alice");
        redis.kill();
        await().atMost(TestNode.WAIT).until(() -> !a.hub.stats().brokerUp());

        // Every broker call the hub makes returns at once; the claim throws and the hub accepts
        // the id on this node's word alone (counting a broker error).
        CompletableFuture<Void> calls = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 1_000; i++) {
                a.hub.broadcast(Message.text("{\"type\":\"tick\"}"));
                a.hub.rooms().members("r");
                a.hub.sendTo("bob", Message.text("{}"));
            }
            a.connect("carol").close();
        });
        calls.get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(alice.client().isClosed()).isFalse();
        assertThat(a.hub.sendTo("alice", Message.text("{}"))).isEqualTo(SendResult.QUEUED);
        assertThat(a.hub.stats().errors(ErrorKind.BROKER)).isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void whileRedisIsDownARefIsStillDedupedOnItsNodeAndItsLostWriteThroughIsCounted() throws Exception {
        TestNode g = new TestNode(redis.uri(), TestNode.freshPrefix(), "g", TestNode.guarantees()).awaitUp();
        try {
            Peer alice = g.connect("alice");
            redis.kill();
            await().atMost(TestNode.WAIT).until(() -> !g.hub.stats().brokerUp());

            alice.sendJson("broadcast", "content", "during", "ref", "x");
            assertThat(alice.next("ack").path("ref").asText()).isEqualTo("x"); // handled without waiting on Redis
            await("the lost write counted").atMost(TestNode.WAIT).until(() -> g.store.lostRefWrites() == 1);
            alice.sendJson("broadcast", "content", "during", "ref", "x");
            assertThat(alice.next("ack").path("ref").asText()).isEqualTo("x");
            assertThat(g.hub.stats().delivery().duplicates()).isEqualTo(1);
            assertThat(g.store.lostRefWrites()).isEqualTo(1);
        } finally {
            TestNode.closeAll(g);
        }
    }

    @Test
    void aFrozenRedisCostsAClaimAtMostTheCommandTimeoutAndTheNodeRecoversWhenItThaws() throws Exception {
        Peer bob = b.connect("bob");
        bob.join("r");
        redis.pause();
        Peer carol;
        try {
            long started = System.nanoTime();
            carol = a.connect("carol"); // the claim times out; the hub accepts on its own word
            Duration claimTook = Duration.ofNanos(System.nanoTime() - started);

            assertThat(claimTook).isLessThan(TestNode.COMMAND_TIMEOUT.plusSeconds(2));
            assertThat(a.hub.stats().errors(ErrorKind.BROKER)).isPositive();
            await("a degraded").atMost(TestNode.WAIT).until(() -> !a.hub.stats().brokerUp());
            Peer carol2 = a.connect("carol2");
            carol.sendJson("broadcast", "content", "local");
            assertThat(carol2.next("broadcast").path("content").asText()).isEqualTo("local");
        } finally {
            redis.resume();
        }

        await("a up again").atMost(TestNode.WAIT).until(() -> a.hub.stats().brokerUp());
        await("carol registered").atMost(TestNode.WAIT).until(() -> b.broker.view().nodeOf("carol") != null);
        bob.sendJson("private_message", "to", "carol", "content", "thawed");
        assertThat(carol.next("private_message").path("content").asText()).isEqualTo("thawed");
        await("b up again").atMost(TestNode.WAIT).until(() -> b.hub.stats().brokerUp());
    }

    @Test
    void publicationsAFrozenRedisLeavesUnansweredTakeAtMostTheBudgetAndTheRestFailAtOnce() throws Exception {
        // A patient node: its publications wait for the 5 s command timeout, so refusals during
        // the loop below come from the byte budget, not from timeouts.
        RedisBrokerOptions patient = RedisBrokerOptions.builder(redis.uri()).keyPrefix(TestNode.freshPrefix())
                .nodeId("patient").refreshInterval(Duration.ofSeconds(5)).expiry(Duration.ofSeconds(10))
                .commandTimeout(Duration.ofSeconds(5)).build();
        RedisBroker broker = new RedisBroker(patient);
        io.wshub.Hub hub = io.wshub.Hub.builder().broker(broker).build();
        try {
            await().atMost(TestNode.WAIT).until(() -> hub.stats().brokerUp());
            int mib = 1024 * 1024;
            int budgetInMessages = (int) (RedisBroker.MAX_UNANSWERED_BYTES / mib);
            redis.pause();
            try {
                for (int i = 0; i < budgetInMessages + 16; i++) {
                    hub.broadcast(Message.binary(new byte[mib - 64])); // header included: 1 MiB on the wire at most
                }
                assertThat(hub.stats().errors(ErrorKind.BROKER)).isEqualTo(16);
            } finally {
                redis.resume();
            }
        } finally {
            hub.shutdown(Duration.ZERO).get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aNodeStartedWhileRedisIsDownServesLocallyAfterItsStartupTimeoutAndJoinsTheClusterWhenRedisComesUp() throws Exception {
        redis.kill();
        String prefix = TestNode.freshPrefix();
        try (TestNode late = new TestNode(redis.uri(), prefix, "late")) {
            await("the startup timeout").atMost(TestNode.WAIT).until(late.broker::isJoined);
            Peer x = late.connect("x");
            Peer y = late.connect("y");
            x.sendJson("broadcast", "content", "alone");
            assertThat(y.next("broadcast").path("content").asText()).isEqualTo("alone");
            assertThat(late.hub.stats().brokerUp()).isFalse();

            redis.restart();
            late.awaitUp();
            try (TestNode other = new TestNode(redis.uri(), prefix, "other").awaitUp()) {
                Peer z = other.connect("z");
                await().atMost(TestNode.WAIT).until(() -> late.broker.view().nodeOf("z") != null);
                x.sendJson("private_message", "to", "z", "content", "hello");
                assertThat(z.next("private_message").path("from").asText()).isEqualTo("x");
            }
        }
    }

    @Test
    void aNodeCutOffLongerThanTheExpiryForgetsTheOtherNodesSessions() {
        Peer bob = b.connect("bob");
        bob.join("r");
        await().atMost(TestNode.WAIT).until(() -> a.hub.rooms().members("r").contains("bob"));

        redis.kill();

        Duration bound = TestNode.options(redis.uri(), "x:", "x").staleBound();
        await().atMost(bound.plus(Duration.ofSeconds(2))).until(() -> a.hub.rooms().members("r").isEmpty());
        assertThat(b.hub.rooms().members("r")).containsExactly("bob");
    }
}
