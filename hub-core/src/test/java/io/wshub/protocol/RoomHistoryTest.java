package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.HistoryLimits;
import io.wshub.HubOptions;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Room history and positions (docs/protocol.md, "Delivery guarantees"): every relayed room message
 * carries its seq, {@code room_joined} the room's seq and epoch, and a join with {@code since}
 * recovers what came after it, or says it did not. Over the in-memory transport; time is the
 * fixture's manual clock.
 */
class RoomHistoryTest {

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private List<Peer> peers(HistoryLimits history, String... ids) {
        server = HubFixture.rooms(HubOptions.builder().roomHistory(history).build());
        return server.settledPeers(ids);
    }

    private List<Peer> peers(String... ids) {
        return peers(HistoryLimits.DEFAULT, ids);
    }

    /** Single quotes to double quotes. */
    private static String j(String json) {
        return json.replace('\'', '"');
    }

    private static void say(Peer p, String room, String content) {
        p.send(j("{'type':'room_message','room':'" + room + "','content':'" + content + "'}"));
    }

    private static JsonNode joinSince(Peer p, String room, long seq, String epoch) {
        p.send(j("{'type':'join_room','room':'" + room + "','since':{'seq':" + seq + ",'epoch':'" + epoch + "'}}"));
        return p.next("room_joined");
    }

    /** The room messages it has received so far, as (content, seq) texts. */
    private static List<String> heard(Peer p) {
        return p.drained("room_message").stream()
                .map(m -> m.path("content").asText() + "@" + m.path("seq").asText("none")).toList();
    }

    @Test
    void everyRelayedRoomMessageCarriesItsPlaceInTheRoomAndTheJoinTheRoomsPosition() {
        List<Peer> p = peers("alice", "bob", "carol");
        JsonNode first = p.get(0).join("lobby");
        assertThat(first.get("seq").asLong()).isZero();
        String epoch = first.get("epoch").asText();
        assertThat(epoch).isNotEmpty();
        p.get(1).joinRoom("lobby");
        p.get(0).discardReceived();

        say(p.get(0), "lobby", "one");
        say(p.get(1), "lobby", "two");
        say(p.get(0), "lobby", "three");

        assertThat(heard(p.get(1))).containsExactly("one@1", "three@3");
        assertThat(heard(p.get(0))).containsExactly("two@2");
        JsonNode late = p.get(2).join("lobby");
        assertThat(late.get("seq").asLong()).as("the last message before the join").isEqualTo(3);
        assertThat(late.get("epoch").asText()).isEqualTo(epoch);
        assertThat(late.has("recovered")).as("a join without since").isFalse();
    }

    @Test
    void presenceHasNoSeqAndAClientsOwnSeqIsReplaced() {
        List<Peer> p = peers("alice", "bob");
        p.get(0).joinRoom("lobby");
        p.get(1).joinRoom("lobby");
        assertThat(p.get(0).next("user_joined_room").has("seq")).isFalse();

        p.get(1).send(j("{'type':'room_message','room':'lobby','content':'hi','seq':99,'ref':'r1'}"));
        p.get(0).expectJson(j("{'type':'room_message','room':'lobby','content':'hi','ref':'r1','from':'bob','seq':1}"));
    }

    @Test
    void withHistoryOffNothingCarriesAPosition() {
        List<Peer> p = peers(HistoryLimits.OFF, "alice", "bob");
        p.get(0).joinRoom("lobby");
        p.get(1).sendJson("join_room", "room", "lobby");
        p.get(1).expectJson(j("{'type':'room_joined','room':'lobby','members':['alice','bob']}"));
        say(p.get(1), "lobby", "hi");
        p.get(0).next("user_joined_room");
        p.get(0).expectJson(j("{'type':'room_message','room':'lobby','content':'hi','from':'bob'}"));
    }

    @Test
    void aRoomThatEmptiedStartsANewEpochWhenJoinedAgain() {
        List<Peer> p = peers("alice");
        String before = p.get(0).join("lobby").get("epoch").asText();
        say(p.get(0), "lobby", "one");
        p.get(0).sendJson("leave_room", "room", "lobby");
        JsonNode again = p.get(0).join("lobby");
        assertThat(again.get("epoch").asText()).isNotEqualTo(before);
        assertThat(again.get("seq").asLong()).isZero();
    }

    // ---- recovery on join ----

    @Test
    void aJoinSinceAPositionOfTheCurrentEpochGetsEveryMessageAfterItInOrderThenLiveOnes() {
        List<Peer> p = peers("alice", "bob");
        String epoch = p.get(0).join("lobby").get("epoch").asText();
        p.get(1).joinRoom("lobby");
        for (int i = 1; i <= 5; i++) {
            say(p.get(i % 2), "lobby", "m" + i);
        }
        p.get(1).sendJson("leave_room", "room", "lobby");
        say(p.get(0), "lobby", "m6");
        p.get(1).discardReceived();

        JsonNode joined = joinSince(p.get(1), "lobby", 2, epoch);
        assertThat(joined.get("recovered").asBoolean()).isTrue();
        assertThat(joined.get("seq").asLong()).as("still the room's latest").isEqualTo(6);
        say(p.get(0), "lobby", "m7");
        assertThat(heard(p.get(1))).as("its own messages included, then live")
                .containsExactly("m3@3", "m4@4", "m5@5", "m6@6", "m7@7");
    }

    @Test
    void aJoinSinceTheLatestSeqRecoversWithNothingToReplay() {
        List<Peer> p = peers("alice", "bob");
        String epoch = p.get(0).join("lobby").get("epoch").asText();
        say(p.get(0), "lobby", "m1");
        assertThat(joinSince(p.get(1), "lobby", 1, epoch).get("recovered").asBoolean()).isTrue();
        p.get(1).expectOnlyPong();
    }

    @Test
    void anOldEpochOrAPositionPastTheHistoryOrBeyondTheLatestIsNotRecovered() {
        List<Peer> p = peers(HistoryLimits.of(3, 1_000_000, Duration.ofMinutes(5)), "alice", "bob");
        String epoch = p.get(0).join("lobby").get("epoch").asText();
        for (int i = 1; i <= 5; i++) {
            say(p.get(0), "lobby", "m" + i);
        }
        JsonNode oldEpoch = joinSince(p.get(1), "lobby", 4, "not-" + epoch);
        assertThat(oldEpoch.get("recovered").asBoolean()).isFalse();
        assertThat(oldEpoch.get("seq").asLong()).isEqualTo(5);
        assertThat(oldEpoch.get("epoch").asText()).isEqualTo(epoch);
        p.get(1).expectOnlyPong();

        assertThat(joinSince(p.get(1), "lobby", 1, epoch).get("recovered").asBoolean())
                .as("the history keeps 3..5: it no longer reaches seq 2").isFalse();
        p.get(1).expectOnlyPong();
        assertThat(joinSince(p.get(1), "lobby", 9, epoch).get("recovered").asBoolean()).as("beyond the latest").isFalse();
        p.get(1).expectOnlyPong();
        assertThat(joinSince(p.get(1), "lobby", 2, epoch).get("recovered").asBoolean()).isTrue();
        assertThat(heard(p.get(1))).containsExactly("m3@3", "m4@4", "m5@5");
    }

    @Test
    void messagesOlderThanTheAgeLimitAreNotRecovered() {
        List<Peer> p = peers(HistoryLimits.of(100, 1_000_000, Duration.ofMinutes(5)), "alice", "bob");
        String epoch = p.get(0).join("lobby").get("epoch").asText();
        say(p.get(0), "lobby", "m1");
        server.advance(Duration.ofMinutes(4));
        say(p.get(0), "lobby", "m2");
        server.advance(Duration.ofMinutes(2));
        p.get(0).expectOnlyPong();

        assertThat(joinSince(p.get(1), "lobby", 0, epoch).get("recovered").asBoolean()).isFalse();
        assertThat(joinSince(p.get(1), "lobby", 1, epoch).get("recovered").asBoolean()).isTrue();
        assertThat(heard(p.get(1))).containsExactly("m2@2");
        assertThat(server.hub().stats().delivery().historyMessages()).as("trimmed by the ticker").isEqualTo(1);
    }

    @Test
    void aReplayLargerThanTheOutboundQueueDoesNotMakeTheJoinerASlowConsumer() {
        server = HubFixture.rooms(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).maxQueuedMessages(8).build());
        List<Peer> p = server.settledPeers("alice", "bob");
        String epoch = p.get(0).join("lobby").get("epoch").asText();
        for (int i = 1; i <= 100; i++) {
            say(p.get(0), "lobby", "m" + i);
        }
        p.get(1).client().pauseReading(); // nothing leaves its queue until it reads again
        p.get(1).send(j("{'type':'join_room','room':'lobby','since':{'seq':0,'epoch':'" + epoch + "'}}"));
        for (int i = 101; i <= 105; i++) {
            say(p.get(0), "lobby", "m" + i);
        }
        p.get(1).client().resumeReading();
        assertThat(p.get(1).next("room_joined").get("recovered").asBoolean()).isTrue();
        List<String> heard = heard(p.get(1));
        assertThat(heard).hasSize(105);
        assertThat(heard.get(104)).isEqualTo("m105@105");
        assertThat(p.get(1).client().isClosed()).isFalse();
    }

    @Test
    void aMemberThatJoinsAgainWithSinceIsAnsweredAndRecoveredAndNoOneIsTold() {
        List<Peer> p = peers("alice", "bob");
        String epoch = p.get(0).join("lobby").get("epoch").asText();
        p.get(1).joinRoom("lobby");
        say(p.get(1), "lobby", "m1");
        p.get(0).discardReceived();
        JsonNode again = joinSince(p.get(0), "lobby", 0, epoch);
        assertThat(again.get("recovered").asBoolean()).isTrue();
        assertThat(heard(p.get(0))).containsExactly("m1@1");
        p.get(1).expectOnlyPong();
    }

    @Test
    void withHistoryOffAJoinSinceAnythingIsNotRecovered() {
        List<Peer> p = peers(HistoryLimits.OFF, "alice");
        JsonNode joined = joinSince(p.get(0), "lobby", 0, "e");
        assertThat(joined.get("recovered").asBoolean()).isFalse();
        assertThat(joined.has("seq")).isFalse();
    }

    @Test
    void aMalformedSinceIsRefusedAndJoinsNothing() {
        List<Peer> p = peers("alice");
        for (String since : List.of("'x'", "{'seq':1}", "{'epoch':'e'}", "{'seq':-1,'epoch':'e'}", "{'seq':1.5,'epoch':'e'}",
                "{'seq':'1','epoch':'e'}", "{'seq':1,'epoch':''}", "{'seq':1,'epoch':7}", "{'seq':1,'epoch':'" + "e".repeat(65) + "'}",
                "{'seq':99999999999999999999999,'epoch':'e'}")) {
            p.get(0).send(j("{'type':'join_room','room':'lobby','since':" + since + "}"));
            p.get(0).expectError(Envelope.INVALID_FORMAT);
        }
        assertThat(server.hub().rooms().names()).isEmpty();
    }
}
