package io.wshub;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session taken over from another node (its token known to the cluster's store, not to this
 * node) is put back into its rooms as it opens here. A room message that reaches it the moment it
 * joins must wait, as on a resume on its own node, until the client has its welcome and has said
 * where it left off: sent before the welcome, it would move the client's position past what the
 * resume should replay, and the client would skip the replay.
 */
class TakenOverResumeTest {

    private static final String TOKEN = "token-issued-by-another-node";

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRoomMessageThatReachesATakenOverSessionAsItRejoinsWaitsForTheWelcomeAndTheResume() {
        LiveOnJoin broker = new LiveOnJoin();
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).broker(broker)
                .deliveryStore(new TakesBobOver())
                .options(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(Duration.ofSeconds(60)).build()));

        Peer back = new Peer(server.transport().connect(Handshake.builder().path("/ws").queryParameter("resume", TOKEN).build()));

        JsonNode first = back.nextJson();
        assertThat(first.get("type").asText()).as("the first frame of the taken-over session: " + first).isEqualTo("welcome");
        assertThat(first.get("resumed").asBoolean()).isTrue();
        assertThat(first.get("rooms").toString()).isEqualTo("[\"lobby\"]");
        assertThat(broker.delivered).as("a room message reached the session as it joined").isTrue();
        back.expectNothing(); // its room waits for its resume

        back.send("{\"type\":\"resume\",\"rooms\":{}}");
        back.expectJson("{\"type\":\"resumed\",\"rooms\":{\"lobby\":false},\"inbox\":false}");
        JsonNode live = back.next("room_message");
        assertThat(live.get("content").asText()).isEqualTo("live");
    }

    /** A broker that, as bob joins the lobby here, hands the hub a room message of the lobby from another node. */
    private static final class LiveOnJoin extends QuietBroker {
        volatile boolean delivered;

        @Override
        public void roomJoined(String room, String sessionId) {
            if (sessionId.equals("bob") && !delivered) {
                delivered = true;
                delivery.deliverRoom(room, Message.text(
                        "{\"type\":\"room_message\",\"room\":\"lobby\",\"userId\":\"alice\",\"content\":\"live\"}"), null);
            }
        }
    }

    /** This node's store, which also takes bob over, in the lobby, for the token another node issued him. */
    private static final class TakesBobOver extends ForwardingDeliveryStore {
        @Override
        public Transfer takeOver(String token, String sessionId) {
            return token.equals(TOKEN) ? new Transfer("bob", List.of("lobby")) : null;
        }
    }
}
