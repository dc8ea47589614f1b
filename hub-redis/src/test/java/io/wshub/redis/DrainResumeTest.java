package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Handshake;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that shuts down gracefully with the Redis store leaves the sessions it still holds in
 * Redis: their clients resume them on another node after the node is gone, in their rooms and with
 * what they missed, and nobody hears them leave; a session nobody resumes leaves its rooms when its
 * window has passed.
 */
class DrainResumeTest extends GuaranteedCluster {

    @Test
    void aSessionHeldWhenItsNodeFinishedShuttingDownResumesOnAnotherNodeWithWhatItMissed() throws Exception {
        Peer alice = new Peer(a.transport.connect("alice"));
        JsonNode welcome = alice.next("welcome");
        String token = welcome.path("resume").asText();
        JsonNode joined = alice.join("r");
        String epoch = joined.path("epoch").asText();
        long seen = joined.path("seq").asLong();
        Peer bob = b.connect("bob");
        bob.joinRoom("r");
        await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").size() == 2);

        a.hub.shutdown(Duration.ofSeconds(5)).get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(alice.next("server_shutdown").path("type").asText()).isEqualTo("server_shutdown");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // while nobody holds alice
            bob.sendJson("room_message", "room", "r", "content", "m" + i, "ref", "m" + i);
            sent.add("m" + i);
        }
        orderSeenBy(bob, 3);

        Peer back = new Peer(c.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
        JsonNode resumedWelcome = back.next("welcome");
        assertThat(resumedWelcome.path("resumed").asBoolean()).as("%s", resumedWelcome).isTrue();
        assertThat(resumedWelcome.path("id").asText()).isEqualTo("alice");
        assertThat(resumedWelcome.path("rooms").toString()).isEqualTo("[\"r\"]");
        back.send("{\"type\":\"resume\",\"rooms\":{\"r\":{\"seq\":" + seen + ",\"epoch\":\"" + epoch + "\"}}}");
        assertThat(back.next("resumed").path("rooms").path("r").asBoolean()).isTrue();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            JsonNode m = back.next("room_message");
            assertThat(m.path("seq").asLong()).isEqualTo(seen + 1 + i);
            got.add(m.path("content").asText());
        }
        assertThat(got).containsExactlyElementsOf(sent);

        bob.sendJson("room_message", "room", "r", "content", "after");
        assertThat(back.next("room_message").path("content").asText()).isEqualTo("after");
        bob.sendJson("broadcast", "content", "barrier");
        back.next("broadcast");
        assertThat(bob.drained("user_left_room")).as("nobody hears the drained session leave").isEmpty();
        assertThat(bob.drained("user_left")).isEmpty();
    }

    @Test
    void aDrainedSessionThatNobodyResumesLeavesItsRoomsWhenItsWindowHasPassed() throws Exception {
        TestNode d = new TestNode(redis.uri(), prefix, "d", TestNode.guarantees(Duration.ofSeconds(2))).awaitUp();
        try {
            Peer alice = new Peer(d.transport.connect("alice"));
            String token = alice.next("welcome").path("resume").asText();
            alice.join("r");
            Peer bob = b.connect("bob");
            bob.joinRoom("r");
            await().atMost(TestNode.WAIT).until(() -> b.hub.rooms().members("r").size() == 2);
            bob.discardReceived();

            d.hub.shutdown(Duration.ofSeconds(5)).get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode left = bob.next("user_left_room");
            assertThat(left.path("room").asText()).isEqualTo("r");
            assertThat(left.path("userId").asText()).isEqualTo("alice");
            Peer late = new Peer(c.transport.connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()));
            assertThat(late.next("welcome").path("resumed").asBoolean()).isFalse();
        } finally {
            TestNode.closeAll(d);
        }
    }

    @Test
    void aTokenOfTheDrainedNodeWorksOnce() throws Exception {
        Peer alice = new Peer(a.transport.connect("alice"));
        String token = alice.next("welcome").path("resume").asText();
        a.hub.shutdown(Duration.ofSeconds(5)).get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertResumesOnce(token, "alice");
    }
}
