package io.wshub.protocol;

import io.wshub.HistoryLimits;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acks and dedupe (docs/protocol.md, "Acks and dedupe"): a {@code ref} on any client message is
 * answered exactly once, with {@code ack} (its seq for a room message) or the error carrying the
 * ref, and a message whose ref was handled is not handled again. Over the in-memory transport.
 */
class AcksTest {

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private List<Peer> peers(HubOptions options, String... ids) {
        server = HubFixture.rooms(options);
        return server.settledPeers(ids);
    }

    private List<Peer> peers(String... ids) {
        return peers(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).build(), ids);
    }

    private static String j(String json) {
        return json.replace('\'', '"');
    }

    /** alice and bob in the lobby, inboxes empty. */
    private List<Peer> inTheLobby(HubOptions options) {
        List<Peer> p = peers(options, "alice", "bob");
        p.get(0).joinRoom("lobby");
        p.get(1).joinRoom("lobby");
        p.get(0).discardReceived();
        return p;
    }

    @Test
    void aRefIsAcknowledgedOnceAfterTheMessagesOwnReply() {
        Peer alice = peers("alice").get(0);
        alice.send(j("{'type':'ping','ref':'p1'}"));
        alice.expect("{\"type\":\"pong\"}");
        alice.expectJson(j("{'type':'ack','ref':'p1'}"));
        alice.send(j("{'type':'join_room','room':'lobby','ref':7}"));
        assertThat(alice.next().startsWith("{\"type\":\"room_joined\"")).isTrue();
        alice.expectJson(j("{'type':'ack','ref':7}"));
        alice.expectOnlyPong();
    }

    @Test
    void aRoomMessagesAckCarriesItsSeqAndOnlyItsDoes() {
        List<Peer> p = inTheLobby(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).build());
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'one','ref':'m1'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'m1','seq':1}"));
        p.get(1).expectJson(j("{'type':'room_message','room':'lobby','content':'one','ref':'m1','from':'alice','seq':1}"));
        p.get(0).send(j("{'type':'private_message','to':'bob','content':'psst','ref':'m2'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'m2'}"));
    }

    @Test
    void withoutHistoryARoomMessagesAckHasNoSeq() {
        List<Peer> p = inTheLobby(HubOptions.defaults());
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'one','ref':'m1'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'m1'}"));
    }

    @Test
    void aRefusedMessageGetsTheErrorWithItsRefAndNoAck() {
        Peer alice = peers("alice").get(0);
        alice.send(j("{'type':'room_message','room':'lobby','content':'x','ref':'r1'}"));
        alice.expectJson(j("{'type':'error','error':'Not in room','ref':'r1'}"));
        alice.send(j("{'type':'nonsense','ref':2}"));
        alice.expectJson(j("{'type':'error','error':'Unknown message type: nonsense','ref':2}"));
        alice.send(j("{'ref':'r3'}"));
        alice.expectJson(j("{'type':'error','error':'Missing message type','ref':'r3'}"));
        alice.send(j("{'type':'room_message','room':'no room!','ref':'r4'}"));
        alice.expectJson(j("{'type':'error','error':'Invalid room name','ref':'r4'}"));
        alice.expectOnlyPong();
    }

    @Test
    void aRefThatIsNeitherAStringNorANumberOfAtMost64CharactersIsInvalidAndNothingIsHandled() {
        List<Peer> p = inTheLobby(HubOptions.defaults());
        for (String ref : List.of("{}", "[1]", "true", "null", "''", "'" + "r".repeat(65) + "'", "1" + "0".repeat(64))) {
            p.get(0).send(j("{'type':'room_message','room':'lobby','content':'x','ref':" + ref + "}"));
            p.get(0).expectError(Envelope.INVALID_FORMAT);
        }
        p.get(1).expectOnlyPong();
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'x','ref':'" + "r".repeat(64) + "'}"));
        assertThat(p.get(0).next("ack").get("ref").asText()).hasSize(64);
    }

    @Test
    void aMessageSentAgainWithAHandledRefIsNotHandledAgainAndItsAckComesAgainWithTheSameSeq() {
        List<Peer> p = inTheLobby(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).build());
        String message = j("{'type':'room_message','room':'lobby','content':'once','ref':'m1'}");
        p.get(0).send(message);
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'twice','ref':'m2'}"));
        p.get(0).discardReceived();
        p.get(1).discardReceived();

        p.get(0).send(message);
        p.get(0).expectJson(j("{'type':'ack','ref':'m1','seq':1}"));
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'changed, same ref','ref':'m2'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'m2','seq':2}"));
        p.get(1).expectOnlyPong();
        assertThat(server.hub().stats().delivery().duplicates()).isEqualTo(2);
        assertThat(server.hub().stats().delivery().refs()).isEqualTo(2);
    }

    @Test
    void aNumberAndAStringOfTheSameTextAreDifferentRefs() {
        List<Peer> p = inTheLobby(HubOptions.defaults());
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'a','ref':1}"));
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'b','ref':'1'}"));
        assertThat(p.get(1).drained("room_message")).hasSize(2);
    }

    @Test
    void onlyHandledRefsAreRememberedSoAnErroredMessageIsHandledWhenSentAgain() {
        List<Peer> p = peers("alice", "bob");
        p.get(1).joinRoom("lobby");
        String message = j("{'type':'room_message','room':'lobby','content':'early','ref':'e1'}");
        p.get(0).send(message);
        p.get(0).expectJson(j("{'type':'error','error':'Not in room','ref':'e1'}"));
        p.get(0).joinRoom("lobby");
        p.get(1).discardReceived();
        p.get(0).send(message);
        p.get(0).expectJson(j("{'type':'ack','ref':'e1','seq':1}"));
        assertThat(p.get(1).drained("room_message")).hasSize(1);
    }

    @Test
    void aRateLimitedMessageGetsTheErrorWithItsRefOrItsAckAgainWhenItWasHandled() {
        List<Peer> p = inTheLobby(HubOptions.builder().rateLimit(RateLimit.of(0.001, 2)).build());
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'a','ref':'a'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'a'}"));
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'a','ref':'a'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'a'}"));
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'a','ref':'a'}"));
        p.get(0).expectJson(j("{'type':'ack','ref':'a'}")); // refused, but it was handled: the ack again
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'b','ref':'b'}"));
        p.get(0).expectJson(j("{'type':'error','error':'Rate limit exceeded','ref':'b'}"));
        p.get(0).send("not json at all");
        p.get(0).expectError(Envelope.RATE_LIMIT_EXCEEDED);
        assertThat(p.get(1).drained("room_message")).hasSize(1);
    }

    @Test
    void theLatestRefsUpToTheWindowAreRememberedAndAnOffWindowRemembersNone() {
        List<Peer> p = inTheLobby(HubOptions.builder().dedupeWindow(2).build());
        for (String ref : List.of("r1", "r2", "r3", "r1", "r3")) {
            p.get(0).send(j("{'type':'room_message','room':'lobby','content':'" + ref + "','ref':'" + ref + "'}"));
        }
        assertThat(p.get(1).drained("room_message")).as("r1 was forgotten behind r2 and r3; r3 was not").hasSize(4);
        server.close();

        p = inTheLobby(HubOptions.builder().dedupeWindow(0).build());
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'x','ref':'r1'}"));
        p.get(0).send(j("{'type':'room_message','room':'lobby','content':'x','ref':'r1'}"));
        assertThat(p.get(0).drained("ack")).hasSize(2);
        assertThat(p.get(1).drained("room_message")).hasSize(2);
    }
}
