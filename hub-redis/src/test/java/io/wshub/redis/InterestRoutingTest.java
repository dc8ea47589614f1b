package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hubs with the delivery guarantees on (and two without room history), linked by one real
 * Redis: a node subscribes to a room's channel only while it has members in it (or is reading it for
 * a join), so it reads none of the messages of the other rooms, and joins and leaves racing with the
 * room's messages lose and double nothing.
 */
class InterestRoutingTest extends GuaranteedCluster {

    private static final int MESSAGES = 30;
    private static final int JOINS = 4;
    /** How late a subscription stands over the slow network: a join's reply sent before it would miss ~10 messages. */
    private static final Duration SLOW_SUBSCRIBE = Duration.ofMillis(150);

    @Test
    void aNodeWithNoMemberInARoomReadsNoneOfItsMessages() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        Peer carol = c.connect("carol");
        Peer dave = c.connect("dave");
        alice.joinRoom("r");
        bob.joinRoom("r");
        carol.joinRoom("elsewhere");
        dave.joinRoom("elsewhere");
        // dave getting carol's message means node c has read everything Redis published before it.
        saysInElsewhere(carol, dave, "e1");
        long cBefore = c.broker.roomReads();

        for (int i = 1; i <= MESSAGES; i++) {
            alice.sendJson("room_message", "room", "r", "content", "m" + i);
        }
        for (int i = 1; i <= MESSAGES; i++) {
            assertThat(bob.next("room_message").path("content").asText()).isEqualTo("m" + i);
        }
        saysInElsewhere(carol, dave, "e2");
        // c has no member in r: of r's messages, all published before e2, it read none.
        assertThat(c.broker.roomReads()).isEqualTo(cBefore + 1);
        assertThat(c.broker.roomChannels().isSubscribed("r")).isFalse();
        assertThat(c.broker.roomChannels().count()).isEqualTo(1);

        // And a and b read nothing of c's room: a broadcast after its message is the barrier.
        barrier(carol, alice, bob);
        long aBefore = a.broker.roomReads();
        long bBefore = b.broker.roomReads();
        assertThat(aBefore).isGreaterThanOrEqualTo(MESSAGES);
        saysInElsewhere(carol, dave, "e3");
        barrier(carol, alice, bob);
        assertThat(a.broker.roomReads()).isEqualTo(aBefore);
        assertThat(b.broker.roomReads()).isEqualTo(bBefore);
    }

    private static void saysInElsewhere(Peer sender, Peer member, String content) {
        sender.sendJson("room_message", "room", "elsewhere", "content", content);
        assertThat(member.next("room_message").path("content").asText()).isEqualTo(content);
    }

    /** A broadcast from the sender, once the others got it: their nodes read what Redis published before. */
    private static void barrier(Peer sender, Peer... others) {
        sender.sendJson("broadcast", "content", "barrier");
        for (Peer p : others) {
            p.next("broadcast");
        }
    }

    @Test
    void aNodeStopsReadingARoomAfterItsLastMemberLeftAndReadsItAgainOnTheNextJoin() {
        Peer alice = a.connect("alice");
        Peer bob = b.connect("bob");
        alice.joinRoom("r");
        bob.joinRoom("r");
        bob.sendJson("leave_room", "room", "r");
        await().atMost(TestNode.WAIT).until(() -> !b.broker.roomChannels().isSubscribed("r"));
        long before = b.broker.roomReads();
        alice.sendJson("room_message", "room", "r", "content", "unheard", "ref", "1");
        long unheard = alice.next("ack").path("seq").asLong();
        barrier(alice, bob); // Redis published r's message before it
        assertThat(b.broker.roomReads()).isEqualTo(before);

        JsonNode joined = bob.join("r");
        assertThat(joined.path("seq").asLong()).isEqualTo(unheard);
        alice.sendJson("room_message", "room", "r", "content", "heard");
        JsonNode m = bob.next("room_message");
        assertThat(m.path("seq").asLong()).isEqualTo(unheard + 1);
        assertThat(m.path("content").asText()).isEqualTo("heard");
    }

    @Test
    void joinsAndLeavesRacingWithRoomMessagesLoseAndDoubleNothing() throws Exception {
        Peer alice = a.connect("alice");
        alice.joinRoom("r");
        Peer bob = b.connect("bob");
        Peer carol = c.connect("carol");
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try {
            // Below the rate limit (100/s): every message is sequenced, none refused.
            sender.scheduleAtFixedRate(() -> alice.sendJson("room_message", "room", "r", "content", "x"), 0, 15,
                    TimeUnit.MILLISECONDS);
            // bob joins a room his node has unsubscribed from, every time; carol rejoins at once.
            CompletableFuture<Void> bobs = CompletableFuture.runAsync(() -> {
                for (int round = 0; round < 3; round++) {
                    memberFor(bob, 10);
                    await().atMost(TestNode.WAIT).until(() -> !b.broker.roomChannels().isSubscribed("r"));
                }
            });
            CompletableFuture<Void> carols = CompletableFuture.runAsync(() -> {
                for (int round = 0; round < 15; round++) {
                    memberFor(carol, 3);
                }
            });
            CompletableFuture.allOf(bobs, carols).get(60, TimeUnit.SECONDS);
        } finally {
            sender.shutdownNow();
            assertThat(sender.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Without room history a join reads nothing, yet its reply still waits for its node's
     * subscription: over a network that makes subscriptions stand late, every message sent after
     * bob's {@code room_joined} reaches him, once and in order, join after join.
     */
    @Test
    void withoutRoomHistoryAJoinGetsEveryMessageSentAfterItsReply() throws Exception {
        String prefix = TestNode.freshPrefix();
        TestNode x = null;
        TestNode y = null;
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try (RedisProxy slow = RedisProxy.to(redis.port())) {
            slow.delaySubscriptions(SLOW_SUBSCRIBE);
            try {
                x = new TestNode(redis.uri(), prefix, "x").awaitUp();
                y = new TestNode(slow.uri(), prefix, "y").awaitUp();
                Peer alice = x.connect("alice");
                alice.joinRoom("r");
                Peer bob = y.connect("bob");
                AtomicInteger numbered = new AtomicInteger(); // counted up before each send starts
                sender.scheduleAtFixedRate(() -> alice.sendJson("room_message", "room", "r", "content",
                        Integer.toString(numbered.incrementAndGet())), 0, 15, TimeUnit.MILLISECONDS);
                for (int round = 1; round <= JOINS; round++) {
                    bob.join("r");
                    int before = numbered.get(); // every number above it was sent after bob's reply
                    List<Integer> after = new ArrayList<>();
                    while (after.size() < MESSAGES) {
                        int n = bob.next("room_message").path("content").asInt();
                        if (n > before) {
                            after.add(n);
                        }
                    }
                    assertThat(after).as("join %d: what bob got of the messages after %d", round, before)
                            .isEqualTo(IntStream.rangeClosed(before + 1, before + MESSAGES).boxed().toList());
                    bob.sendJson("leave_room", "room", "r");
                    TestNode node = y; // the next join subscribes again
                    await().atMost(TestNode.WAIT).until(() -> !node.broker.roomChannels().isSubscribed("r"));
                }
            } finally {
                sender.shutdownNow();
                assertThat(sender.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
                TestNode.closeAll(x, y);
            }
        }
    }

    /** Joins r, checks that the next messages follow the join's seq without gap or repeat, and leaves. */
    private static void memberFor(Peer p, int messages) {
        JsonNode joined = p.join("r");
        long seq = joined.path("seq").asLong();
        for (int i = 1; i <= messages; i++) {
            assertThat(p.next("room_message").path("seq").asLong()).as("%s's message %d after seq %d", p.id(), i, seq)
                    .isEqualTo(seq + i);
        }
        p.sendJson("leave_room", "room", "r");
    }
}
