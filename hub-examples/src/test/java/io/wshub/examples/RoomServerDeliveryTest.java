package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.jetty.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.eclipse.jetty.websocket.api.Callback;

import java.time.Duration;

import static io.wshub.examples.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The room server as it starts, with its delivery guarantees on (docs/protocol.md, "Delivery
 * guarantees": 1 000 messages and 5 minutes of history per room, a 60 s resume window), over real
 * sockets: positions, a resume after a dropped connection, the client's own close ending the session
 * at once, acks. The window's end and the recovery rules are tested on a manual clock in
 * hub-core (ResumeTest, RoomHistoryTest) and hub-jetty (DeliveryOverSocketsTest).
 */
class RoomServerDeliveryTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    private ServerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static String j(String json) {
        return json.replace('\'', '"');
    }

    /** Reads frames until one of this type. */
    private static JsonNode next(TestClient c, String type) throws Exception {
        for (;;) {
            JsonNode m = json(c.nextText());
            if (m.path("type").asText().equals(type)) {
                return m;
            }
        }
    }

    private boolean held(String id) {
        return fixture.server.hubs().get("/ws").session(id).map(s -> s.isHeld()).orElse(false);
    }

    @Test
    void aDroppedConnectionIsHeldAndResumedWithWhatItMissedWhileTheClientsOwnCloseEndsItAtOnce() throws Exception {
        TestClient alice = fixture.connect("/ws?id=alice");
        JsonNode welcome = next(alice, "welcome");
        assertThat(welcome.get("resume").asText()).hasSizeGreaterThanOrEqualTo(22);
        assertThat(welcome.get("inbox").get("seq").asLong()).isZero();
        TestClient bob = fixture.connect("/ws?id=bob");
        String token = next(bob, "welcome").get("resume").asText();
        alice.sendText(j("{'type':'join_room','room':'lobby'}"));
        JsonNode joined = next(alice, "room_joined");
        assertThat(joined.get("seq").asLong()).isZero();
        bob.sendText(j("{'type':'join_room','room':'lobby'}"));
        next(bob, "room_joined");
        next(alice, "user_joined_room");

        bob.abort();
        await().atMost(Duration.ofSeconds(10)).until(() -> held("bob"));
        alice.sendText(j("{'type':'room_message','room':'lobby','content':'while away','ref':1}"));
        assertThat(next(alice, "ack").get("seq").asLong()).isEqualTo(1);

        TestClient back = fixture.connect("/ws?resume=" + token);
        assertThat(next(back, "welcome").get("resumed").asBoolean()).isTrue();
        back.sendText(j("{'type':'resume','rooms':{'lobby':{'seq':0,'epoch':'" + joined.get("epoch").asText() + "'}}}"));
        assertThat(next(back, "resumed").get("rooms").get("lobby").asBoolean()).isTrue();
        assertThat(next(back, "room_message").get("content").asText()).isEqualTo("while away");
        alice.expectNoMessage(QUIET); // nobody heard bob leave or come back

        back.close();
        assertThat(next(alice, "user_left_room").get("userId").asText()).isEqualTo("bob");
    }

    @Test
    void aCloseFrameWithoutACodeAsABrowserSendsItEndsTheSessionAtOnce() throws Exception {
        TestClient alice = fixture.connect("/ws?id=alice");
        next(alice, "welcome");
        TestClient bob = fixture.connect("/ws?id=bob");
        next(bob, "welcome");
        next(alice, "user_joined");
        bob.session().close(1005, null, Callback.NOOP); // Jetty sends 1005 as a close frame with no payload
        assertThat(next(alice, "user_left").get("id").asText()).isEqualTo("bob");
        assertThat(held("bob")).isFalse();
    }
}
