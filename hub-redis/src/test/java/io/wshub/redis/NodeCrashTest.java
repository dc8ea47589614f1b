package io.wshub.redis;

import io.wshub.testing.Peer;
import io.wshub.Message;
import io.wshub.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node dies without a word: its sessions must leave the cluster within the stated bound. */
class NodeCrashTest {

    /** Allowance for the timers' scheduling on a busy machine, on top of the stated bound. */
    private static final Duration SCHEDULING_SLACK = Duration.ofMillis(1_500);

    private RedisServer redis;
    private TestNode survivor;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (survivor != null) {
            survivor.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aKilledNodesSessionsLeaveTheMemberListsAndPrivateTargetsWithinTheStatedBound() throws Exception {
        String prefix = TestNode.freshPrefix();
        survivor = new TestNode(redis.uri(), prefix, "survivor").awaitUp();
        Peer bob = survivor.connect("bob");
        bob.join("r");

        try (NodeProcess doomed = NodeProcess.start(redis.uri(), prefix, "doomed", "r", "x1", "x2")) {
            await().atMost(TestNode.WAIT).until(() -> survivor.hub.rooms().members("r").equals(List.of("bob", "x1", "x2")));
            assertThat(survivor.hub.sendTo("x1", Message.text("{}"))).isEqualTo(SendResult.FORWARDED);

            doomed.kill();
        }
        long killedAt = System.nanoTime();

        Duration bound = TestNode.options(redis.uri(), prefix, "survivor").staleBound();
        await().atMost(bound.plus(SCHEDULING_SLACK)).until(() -> survivor.hub.rooms().members("r").equals(List.of("bob")));
        System.out.printf("a killed node's sessions left the member list after %d ms (bound %d ms)%n",
                Duration.ofNanos(System.nanoTime() - killedAt).toMillis(), bound.toMillis());
        assertThat(survivor.hub.sendTo("x1", Message.text("{}"))).isEqualTo(SendResult.NOT_FOUND);
        bob.sendJson("private_message", "to", "x2", "content", "still there?");
        assertThat(bob.next("error").path("error").asText()).isEqualTo("User not found");
        survivor.connect("x1").close(); // its id is free again
    }
}
