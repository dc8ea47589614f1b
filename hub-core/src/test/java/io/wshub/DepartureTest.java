package io.wshub;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session of a dead node that ended unresumed ({@link HubHandler#onDeparture}): the room
 * protocol announces it as it does a session that closes here, to this node's members and, through
 * the broker, to the other nodes'.
 */
class DepartureTest {

    /** Records what the hub publishes to the other nodes: "room type", "hub type". */
    private static final class RecordingBroker extends QuietBroker {
        final List<String> published = new CopyOnWriteArrayList<>();

        @Override
        public void publishBroadcast(Message frame, String exceptSessionId) {
            published.add("hub " + Peer.json(frame.text()).path("type").asText());
        }

        @Override
        public void publishRoom(String room, Message frame, String exceptSessionId) {
            published.add(room + " " + Peer.json(frame.text()).path("type").asText());
        }
    }

    private final RecordingBroker broker = new RecordingBroker();
    private final HubFixture server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).broker(broker));

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void aDepartedSessionLeavesItsRoomsAndTheHubAsAClosedOneWould() {
        Peer bob = server.connect("bob");
        Peer carol = server.connect("carol");
        bob.joinRoom("r");
        carol.joinRoom("s");
        bob.discardReceived();
        carol.discardReceived();
        broker.published.clear();

        broker.delivery.sessionDeparted(new Departure("alice", Set.of("r")));

        JsonNode left = bob.next("user_left_room");
        assertThat(left.path("room").asText()).isEqualTo("r");
        assertThat(left.path("userId").asText()).isEqualTo("alice");
        assertThat(bob.next("user_left").path("id").asText()).isEqualTo("alice");
        assertThat(carol.next("user_left").path("id").asText()).isEqualTo("alice");
        assertThat(carol.drained("user_left_room")).isEmpty();
        assertThat(broker.published).containsExactly("r user_left_room", "hub user_left");
    }
}
