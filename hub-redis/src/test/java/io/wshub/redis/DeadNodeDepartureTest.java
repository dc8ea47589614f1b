package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node killed with SIGKILL, its session in a room never resumed: when the session's resume window
 * has passed, the members on the other nodes hear it leave the room, each exactly once, and the
 * hub-wide departure too; not before.
 */
class DeadNodeDepartureTest extends GuaranteedCluster {

    private static final Duration WINDOW = Duration.ofSeconds(6);

    @Test
    void aKilledNodesSessionLeavesItsRoomsOnceItsWindowHasPassed() throws Exception {
        long issued = System.nanoTime(); // alice's token is issued after this
        try (NodeProcess k = NodeProcess.start(WINDOW, redis.uri(), prefix, "k", "+r", "alice")) {
            String token = k.sessions().get(0)[1];
            Peer bob = b.connect("bob");
            Peer carol = c.connect("carol");
            bob.joinRoom("r");
            carol.joinRoom("r");
            await().atMost(TestNode.WAIT).until(() -> c.hub.rooms().members("r").containsAll(List.of("alice", "bob")));
            bob.discardReceived();
            carol.discardReceived();
            k.kill();

            List<JsonNode> heardByBob = new ArrayList<>();
            List<JsonNode> heardByCarol = new ArrayList<>();
            Duration untilWindowEnds = WINDOW.minusNanos(System.nanoTime() - issued);
            assertThat(untilWindowEnds).as("the node started within the window").isPositive();
            await().during(untilWindowEnds).atMost(untilWindowEnds.plus(TestNode.WAIT)).until(() -> {
                collect(bob, heardByBob);
                collect(carol, heardByCarol);
                return departures(heardByBob, "user_left_room").isEmpty() && departures(heardByCarol, "user_left_room").isEmpty();
            });

            await().atMost(TestNode.WAIT).until(() -> {
                collect(bob, heardByBob);
                collect(carol, heardByCarol);
                return !departures(heardByBob, "user_left_room").isEmpty() && !departures(heardByCarol, "user_left_room").isEmpty();
            });
            // Every node sweeps on its timer: a few rounds more, then a barrier through each node.
            Duration rounds = TestNode.REFRESH.multipliedBy(3);
            await().during(rounds).atMost(rounds.plus(TestNode.WAIT)).until(() -> {
                collect(bob, heardByBob);
                collect(carol, heardByCarol);
                return departures(heardByBob, "user_left_room").size() == 1 && departures(heardByCarol, "user_left_room").size() == 1;
            });
            bob.sendJson("broadcast", "content", "barrier");
            carol.sendJson("broadcast", "content", "barrier");
            collectUntilBroadcast(bob, heardByBob);
            collectUntilBroadcast(carol, heardByCarol);
            for (List<JsonNode> heard : List.of(heardByBob, heardByCarol)) {
                assertThat(departures(heard, "user_left_room")).singleElement().satisfies(m -> {
                    assertThat(m.path("room").asText()).isEqualTo("r");
                    assertThat(m.path("userId").asText()).isEqualTo("alice");
                });
                assertThat(departures(heard, "user_left")).singleElement()
                        .satisfies(m -> assertThat(m.path("id").asText()).isEqualTo("alice"));
            }
            assertThat(b.hub.rooms().members("r")).containsExactlyInAnyOrder("bob", "carol");

            Peer late = new Peer(b.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
            JsonNode welcome = late.next("welcome");
            assertThat(welcome.path("resumed").asBoolean()).isFalse();
            assertThat(welcome.path("id").asText()).isNotEqualTo("alice");
        }
    }

    private static void collect(Peer peer, List<JsonNode> into) {
        for (InMemoryClient.Received m : peer.client().drain()) {
            if (m.isText()) {
                into.add(Peer.json(m.text()));
            }
        }
    }

    private static void collectUntilBroadcast(Peer peer, List<JsonNode> into) {
        await().atMost(TestNode.WAIT).until(() -> {
            collect(peer, into);
            return into.stream().anyMatch(m -> m.path("type").asText().equals("broadcast"));
        });
    }

    private static List<JsonNode> departures(List<JsonNode> heard, String type) {
        return heard.stream().filter(m -> m.path("type").asText().equals(type)).toList();
    }
}
