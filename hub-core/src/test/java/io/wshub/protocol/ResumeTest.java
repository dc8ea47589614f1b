package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.Authenticator;
import io.wshub.CloseStatus;
import io.wshub.Handshake;
import io.wshub.HistoryLimits;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.Session;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.Peer;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resume (docs/protocol.md, "Resume"): a session outlives a connection that ended by accident for
 * the resume window, and a client that comes back with its token within it gets every room message
 * and private message it missed, once and in order, then live ones, while nobody heard it leave.
 * Over the in-memory transport, its network cut on demand, on the fixture's manual clock: the
 * window passes without waiting.
 */
class ResumeTest {

    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final HubOptions OPTIONS = HubOptions.builder()
            .roomHistory(HistoryLimits.DEFAULT).resumeWindow(WINDOW).build();

    private HubFixture server;
    /** What the handler heard: "open bob", "held bob 1006", "resumed bob", "close bob 1006". */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private List<Peer> start(HubOptions options, String... ids) {
        MessageRouter router = RoomProtocol.router()
                .onOpen(s -> events.add("open " + s.id()))
                .onHeld((s, status) -> events.add("held " + s.id() + " " + status.code()))
                .onResumed(s -> events.add("resumed " + s.id()))
                .onClose((s, status) -> events.add("close " + s.id() + " " + status.code()))
                .build();
        server = HubFixture.of(options, router);
        List<Peer> peers = new ArrayList<>();
        for (String id : ids) {
            Peer p = server.connect(id);
            p.next("welcome");
            peers.add(p);
        }
        peers.forEach(Peer::discardReceived);
        return peers;
    }

    private static String j(String json) {
        return json.replace('\'', '"');
    }

    /** Connects with {@code ?resume=token} (and {@code ?id=} when given). */
    private Peer reconnect(String token, String id) {
        Handshake.Builder h = Handshake.builder().path("/ws").queryParameter("resume", token);
        if (id != null) {
            h.queryParameter("id", id);
        }
        return new Peer(server.transport().connect(h.build()));
    }

    /** Everything the peer has received so far, as "type:content@seq" (or "type:who"), in order. */
    private static List<String> received(Peer p) {
        List<String> out = new ArrayList<>();
        for (InMemoryClient.Received m : p.client().drain()) {
            JsonNode node = Peer.json(m.text());
            String type = node.path("type").asText();
            String what = node.has("content") ? node.get("content").asText()
                    : node.has("userId") ? node.get("userId").asText() : node.path("id").asText();
            out.add(type + ":" + what + (node.has("seq") ? "@" + node.get("seq").asLong() : ""));
        }
        return out;
    }

    private static void say(Peer p, String room, String content) {
        p.send(j("{'type':'room_message','room':'" + room + "','content':'" + content + "'}"));
    }

    private static void whisper(Peer p, String to, String content) {
        p.send(j("{'type':'private_message','to':'" + to + "','content':'" + content + "'}"));
    }

    private static String resumeMessage(String room, long seq, String epoch, long inboxSeq, String inboxEpoch) {
        return j("{'type':'resume','rooms':{'" + room + "':{'seq':" + seq + ",'epoch':'" + epoch + "'}},"
                + "'inbox':{'seq':" + inboxSeq + ",'epoch':'" + inboxEpoch + "'}}");
    }

    /** alice, bob and carol in the lobby; bob's welcome (token and inbox) and the lobby's epoch. */
    private record Lobby(Peer alice, Peer bob, Peer carol, JsonNode bobsWelcome, String epoch) {
    }

    private Lobby lobby() {
        server = null;
        MessageRouter router = RoomProtocol.router()
                .onHeld((s, status) -> events.add("held " + s.id() + " " + status.code()))
                .onResumed(s -> events.add("resumed " + s.id()))
                .onClose((s, status) -> events.add("close " + s.id() + " " + status.code()))
                .build();
        server = HubFixture.of(OPTIONS, router);
        Peer alice = server.connect("alice");
        alice.next("welcome");
        Peer bob = server.connect("bob");
        JsonNode welcome = bob.next("welcome");
        Peer carol = server.connect("carol");
        carol.next("welcome");
        String epoch = alice.join("lobby").get("epoch").asText();
        bob.joinRoom("lobby");
        carol.joinRoom("lobby");
        for (Peer p : List.of(alice, bob, carol)) {
            p.discardReceived();
        }
        return new Lobby(alice, bob, carol, welcome, epoch);
    }

    /** Cuts bob's connection, has alice say {@code lost}, and brings bob back with his token, welcome taken. */
    private Peer bobBackAfterMissing(Lobby l, String lost) {
        server.network().connection("bob").cut();
        say(l.alice(), "lobby", lost);
        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), null);
        back.next("welcome");
        return back;
    }

    // ---- the welcome ----

    @Test
    void withResumeOnTheWelcomeCarriesAnUnguessableTokenAndTheInboxPosition() {
        start(OPTIONS);
        Peer alice = server.connect("alice");
        JsonNode welcome = alice.next("welcome");
        assertThat(welcome.get("id").asText()).isEqualTo("alice");
        assertThat(welcome.get("resume").asText()).matches("[A-Za-z0-9_-]{22,64}"); // 22 base64 characters: 128 bits
        assertThat(welcome.get("inbox").get("seq").asLong()).isZero();
        assertThat(welcome.get("inbox").get("epoch").asText()).isNotEmpty();
        assertThat(welcome.has("resumed")).as("it did not ask to resume").isFalse();
        assertThat(server.connect("bob").next("welcome").get("resume").asText()).isNotEqualTo(welcome.get("resume").asText());
    }

    @Test
    void withResumeOffTheWelcomeIsAsItWas() {
        start(HubOptions.defaults());
        server.connect("alice").expect(Peer.welcome("alice"));
    }

    // ---- the cut and the resume ----

    @Test
    void aMemberCutOffMidStreamAndResumedGetsEveryMissedRoomAndPrivateMessageOnceAndInOrderThenLiveOnes() {
        Lobby l = lobby();
        say(l.alice(), "lobby", "m1");
        whisper(l.carol(), "bob", "p1");
        assertThat(received(l.bob())).containsExactly("room_message:m1@1", "private_message:p1@1");

        server.network().connection("bob").stallWrites(); // what is sent now is in flight when the cable goes
        say(l.alice(), "lobby", "m2");
        whisper(l.carol(), "bob", "p2");
        server.network().connection("bob").cut();
        assertThat(l.bob().client().awaitClose(HubFixture.WAIT)).isEqualTo(CloseStatus.ABNORMAL);
        say(l.alice(), "lobby", "m3");
        say(l.carol(), "lobby", "m4");
        whisper(l.alice(), "bob", "p3");
        server.advance(Duration.ofSeconds(30));

        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), null);
        JsonNode welcome = back.nextJson();
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("id").asText()).isEqualTo("bob");
        assertThat(welcome.get("resumed").asBoolean()).isTrue();
        assertThat(welcome.get("rooms").toString()).isEqualTo("[\"lobby\"]");
        assertThat(welcome.get("resume").asText()).isNotEqualTo(l.bobsWelcome().get("resume").asText());
        assertThat(welcome.has("inbox")).isFalse();
        back.expectNothing(); // its rooms and inbox wait for its resume

        back.send(resumeMessage("lobby", 1, l.epoch(), 1, l.bobsWelcome().get("inbox").get("epoch").asText()));
        back.expectJson(j("{'type':'resumed','rooms':{'lobby':true},'inbox':true}"));
        say(l.alice(), "lobby", "m5");
        whisper(l.carol(), "bob", "p4");
        assertThat(received(back)).containsExactly("room_message:m2@2", "room_message:m3@3", "room_message:m4@4",
                "private_message:p2@2", "private_message:p3@3", "room_message:m5@5", "private_message:p4@4");
    }

    @Test
    void nobodyHearsAHeldMemberLeaveNorComeBack() {
        Lobby l = lobby();
        server.network().connection("bob").cut();
        server.advance(Duration.ofSeconds(59));
        assertThat(server.hub().session("bob")).get().matches(Session::isHeld);
        assertThat(l.alice().join("lobby").get("members").toString()).contains("bob");
        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), null);
        back.next("welcome");
        l.alice().expectOnlyPong();
        l.carol().expectOnlyPong();
        assertThat(events).containsExactly("held bob 1006", "resumed bob");
    }

    @Test
    void afterTheWindowTheSessionIsGoneAndItsRoomsHeardItLeaveOnce() {
        Lobby l = lobby();
        server.network().connection("bob").cut();
        server.advance(WINDOW.minusSeconds(1));
        l.alice().expectOnlyPong();
        server.advance(Duration.ofSeconds(2));
        assertThat(received(l.alice())).containsExactly("user_left_room:bob", "user_left:bob");
        assertThat(received(l.carol())).containsExactly("user_left_room:bob", "user_left:bob");
        server.advance(WINDOW);
        l.alice().expectOnlyPong();
        assertThat(server.hub().session("bob")).isEmpty();
        assertThat(events).containsExactly("held bob 1006", "close bob 1006");
        assertThat(server.hub().stats().delivery().heldSessions()).isZero();
        assertThat(server.hub().stats().delivery().expired()).isEqualTo(1);
        assertThat(server.hub().stats().delivery().inboxMessages()).isZero();
    }

    @Test
    void whatReachesTheSessionWhileItsOnResumedRunsComesAfterWhatOnResumedSends() {
        server = HubFixture.of(OPTIONS, new HubHandler() {
            @Override
            public void onOpen(Session session) {
                session.send(session.resumeToken().orElseThrow());
            }

            @Override
            public void onResumed(Session session) {
                session.hub().broadcast(Message.text("a broadcast, meanwhile"));
                session.send("welcome back");
            }
        });
        InMemoryClient bob = server.client("bob");
        String token = bob.nextText(HubFixture.WAIT);
        server.network().connection("bob").cut();
        Peer back = reconnect(token, null);
        back.expect("welcome back");
        back.expect("a broadcast, meanwhile");
    }

    // ---- tokens ----

    @Test
    void anExpiredOrForgedTokenIsAFreshSessionThatSaysItWasNotResumed() {
        Lobby l = lobby();
        String token = l.bobsWelcome().get("resume").asText();
        server.network().connection("bob").cut();

        Peer forged = reconnect((token.startsWith("A") ? "B" : "A") + token.substring(1), null); // never the token itself
        JsonNode welcome = forged.next("welcome");
        assertThat(welcome.get("resumed").asBoolean()).isFalse();
        assertThat(welcome.get("id").asText()).isNotEqualTo("bob");
        assertThat(welcome.get("resume").asText()).isNotEqualTo(token);
        for (String bad : List.of("", "!!!", "x".repeat(65))) {
            assertThat(reconnect(bad, null).next("welcome").get("resumed").asBoolean()).isFalse();
        }
        assertThatThrownBy(() -> reconnect("nonsense", "bob")).as("bob is still held: its id is taken")
                .isInstanceOf(UpgradeRefusedException.class).hasMessageContaining("409");

        server.advance(WINDOW.plusSeconds(1));
        Peer expired = reconnect(token, "bob");
        JsonNode fresh = expired.next("welcome");
        assertThat(fresh.get("resumed").asBoolean()).isFalse();
        assertThat(fresh.get("id").asText()).as("the id is free again").isEqualTo("bob");
        expired.sendJson("resume");
        expired.expectJson(j("{'type':'resumed','rooms':{},'inbox':false}"));
    }

    @Test
    void aTokenWorksOnceAndTheNewestReplacesIt() {
        Lobby l = lobby();
        String first = l.bobsWelcome().get("resume").asText();
        server.network().connection("bob").cut();
        Peer back = reconnect(first, null);
        String second = back.next("welcome").get("resume").asText();
        server.network().connection("bob").cut();

        assertThat(reconnect(first, null).next("welcome").get("resumed").asBoolean()).as("used once already").isFalse();
        assertThat(reconnect(second, null).next("welcome").get("resumed").asBoolean()).isTrue();
    }

    @Test
    void aValidTokenWinsOverTheIdAsked() {
        Lobby l = lobby();
        server.network().connection("bob").cut();
        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), "somebody-else");
        assertThat(back.next("welcome").get("id").asText()).isEqualTo("bob");
    }

    @Test
    void aTokenForASessionStillOpenTakesItOverAndClosesTheOldConnectionWith1000() {
        Lobby l = lobby(); // bob's old connection is half open: the hub does not know it is dead
        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), null);
        assertThat(back.next("welcome").get("resumed").asBoolean()).isTrue();
        assertThat(l.bob().client().awaitClose(HubFixture.WAIT)).isEqualTo(CloseStatus.NORMAL);
        back.sendJson("resume");
        back.expectJson(j("{'type':'resumed','rooms':{'lobby':false},'inbox':false}"));
        say(l.alice(), "lobby", "after");
        assertThat(received(back)).containsExactly("room_message:after@1");
        l.alice().expectOnlyPong();
        assertThat(events).containsExactly("resumed bob");
        assertThat(server.hub().stats().delivery().resumes()).isEqualTo(1);
    }

    @Test
    void aFreshConnectionWhoseCredentialsNameAHeldSessionEndsItAndTakesItsIdWhileAnIdAloneFindsItTaken() {
        server = HubFixture.with(b -> b.options(OPTIONS).handler(RoomProtocol.router().build())
                .authenticator(h -> h.header("Authorization").map(user -> Authenticator.Result.accept(() -> user, user))
                        .orElse(Authenticator.Result.anonymous())));
        Peer watcher = server.connect("watcher");
        watcher.next("welcome");
        Peer bob = new Peer(server.transport().connect(Handshake.builder().path("/ws").header("Authorization", "bob").build()));
        bob.next("welcome");
        bob.joinRoom("lobby");
        watcher.joinRoom("lobby");
        server.network().connection("bob").cut();
        assertThatThrownBy(() -> server.connect("bob")).as("?id= alone").isInstanceOf(UpgradeRefusedException.class)
                .hasMessageContaining("409");

        Peer again = new Peer(server.transport().connect(Handshake.builder().path("/ws").header("Authorization", "bob").build()));
        assertThat(again.next("welcome").get("id").asText()).isEqualTo("bob");
        assertThat(received(watcher)).containsExactly("user_left_room:bob", "user_left:bob", "user_joined:bob");
    }

    // ---- what ends a session for good ----

    @Test
    void theClientsOwnNormalCloseEndsTheSessionAtOnce() {
        Lobby l = lobby();
        l.bob().close();
        assertThat(received(l.alice())).containsExactly("user_left_room:bob", "user_left:bob");
        assertThat(events).containsExactly("close bob 1000");
    }

    @Test
    void anyOtherCodeTheClientSendsHoldsTheSession() {
        Lobby l = lobby();
        l.bob().client().close(4000, "going to another page");
        l.alice().expectOnlyPong();
        assertThat(events).containsExactly("held bob 4000");
    }

    @Test
    void aSlowConsumerIsHeldAndComesBackWithWhatItMissed() {
        server = HubFixture.of(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(WINDOW)
                .maxQueuedMessages(4).build(), RoomProtocol.router().build());
        Peer alice = server.connect("alice");
        alice.next("welcome");
        Peer bob = server.connect("bob");
        String token = bob.next("welcome").get("resume").asText();
        String epoch = alice.join("lobby").get("epoch").asText();
        bob.joinRoom("lobby");
        bob.client().pauseReading();
        for (int i = 1; i <= 10; i++) {
            say(alice, "lobby", "m" + i);
        }
        assertThat(bob.client().awaitClose(HubFixture.WAIT)).isEqualTo(CloseStatus.ABNORMAL); // dropped: 1008 Slow consumer
        assertThat(server.hub().session("bob")).get().matches(Session::isHeld);

        Peer back = reconnect(token, null);
        back.next("welcome");
        back.send(resumeMessage("lobby", 0, epoch, 0, "ignored"));
        assertThat(back.next("resumed").get("rooms").get("lobby").asBoolean()).isTrue();
        assertThat(back.drained("room_message")).hasSize(10);
    }

    // ---- between the resumed welcome and the resume ----

    @Test
    void trafficWhileTheResumeIsAwaitedWaitsAndFollowsTheReplaysWithoutWhatTheyCarried() {
        Lobby l = lobby();
        Peer back = bobBackAfterMissing(l, "m1");

        say(l.alice(), "lobby", "m2");            // waits, and is in the history too
        whisper(l.carol(), "bob", "p1");          // waits, and is in the inbox too
        l.carol().sendJson("leave_room", "room", "lobby"); // presence: waits
        l.alice().sendJson("broadcast", "content", "hello all"); // hub-wide: flows at once
        assertThat(received(back)).containsExactly("broadcast:hello all");

        back.send(resumeMessage("lobby", 0, l.epoch(), 0, l.bobsWelcome().get("inbox").get("epoch").asText()));
        assertThat(received(back)).containsExactly("resumed:", "room_message:m1@1", "room_message:m2@2",
                "private_message:p1@1", "user_left_room:carol");
    }

    @Test
    void aRoomThatIsNotRecoveredGetsTheTrafficThatCameAfterTheReconnect() {
        Lobby l = lobby();
        Peer back = bobBackAfterMissing(l, "lost");
        say(l.alice(), "lobby", "after the reconnect");
        back.send(resumeMessage("lobby", 0, "another-epoch", 0, "another-epoch"));
        assertThat(received(back)).containsExactly("resumed:", "room_message:after the reconnect@2");
    }

    @Test
    void withoutAResumeWithinTheHandshakeTimeoutItGetsLiveTrafficWithNothingRecovered() {
        Lobby l = lobby();
        Peer back = bobBackAfterMissing(l, "lost");
        say(l.alice(), "lobby", "after the reconnect");
        server.advance(OPTIONS.handshakeTimeout().plusSeconds(1));
        back.expectJson(j("{'type':'resumed','rooms':{'lobby':false},'inbox':false}"));
        assertThat(received(back)).containsExactly("room_message:after the reconnect@2");

        back.send(resumeMessage("lobby", 0, l.epoch(), 0, "e"));
        back.expectJson(j("{'type':'resumed','rooms':{'lobby':false},'inbox':false}")); // late: the same answer
        back.expectOnlyPong();
    }

    @Test
    void aResumeOnAFreshSessionNamesItsRoomsNotRecovered() {
        Lobby l = lobby();
        l.alice().send(resumeMessage("lobby", 0, l.epoch(), 0, "e"));
        l.alice().expectJson(j("{'type':'resumed','rooms':{'lobby':false},'inbox':false}"));
    }

    @Test
    void roomsTheClientNamesButIsNotInAreLeftOutAndAMalformedResumeChangesNothing() {
        Lobby l = lobby();
        server.network().connection("bob").cut();
        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), null);
        back.next("welcome");
        back.send(j("{'type':'resume','rooms':{'lobby':{'seq':'x','epoch':'e'}}}"));
        back.expectError(Envelope.INVALID_FORMAT);
        back.send(j("{'type':'resume','rooms':['lobby']}"));
        back.expectError(Envelope.INVALID_FORMAT);
        back.send(j("{'type':'resume','rooms':{'elsewhere':{'seq':1,'epoch':'e'},'lobby':{'seq':0,'epoch':'"
                + l.epoch() + "'}}}"));
        back.expectJson(j("{'type':'resumed','rooms':{'lobby':true},'inbox':false}"));
    }

    @Test
    void aConnectionCutBeforeItsResumeResumesAgainFromWhereTheClientLeftOff() {
        Lobby l = lobby();
        bobBackAfterMissing(l, "m1");
        say(l.alice(), "lobby", "m2"); // waits for the resume that never comes on this connection
        server.network().connection("bob").cut();
        say(l.alice(), "lobby", "m3");
        assertThat(server.hub().session("bob")).get().matches(Session::isHeld);
        Peer second = reconnect(server.hub().session("bob").orElseThrow().resumeToken().orElseThrow(), null);
        second.next("welcome");
        second.send(resumeMessage("lobby", 0, l.epoch(), 0, l.bobsWelcome().get("inbox").get("epoch").asText()));
        assertThat(received(second)).containsExactly("resumed:", "room_message:m1@1", "room_message:m2@2",
                "room_message:m3@3");
    }

    // ---- acks across a resume ----

    @Test
    void aClientThatSendsAgainWhatItHadNoAckForCausesNoDuplicateAndGetsTheSameSeq() {
        Lobby l = lobby();
        say(l.alice(), "lobby", "m1");
        server.network().connection("bob").stallWrites(); // the acks will not reach bob
        l.bob().send(j("{'type':'room_message','room':'lobby','content':'mine','ref':'r1'}"));
        l.bob().send(j("{'type':'private_message','to':'carol','content':'psst','ref':'r2'}"));
        server.network().connection("bob").cut();
        assertThat(received(l.alice())).containsExactly("room_message:mine@2");

        Peer back = reconnect(l.bobsWelcome().get("resume").asText(), null);
        back.next("welcome");
        back.send(resumeMessage("lobby", 1, l.epoch(), 0, l.bobsWelcome().get("inbox").get("epoch").asText()));
        back.send(j("{'type':'room_message','room':'lobby','content':'mine','ref':'r1'}"));
        back.send(j("{'type':'private_message','to':'carol','content':'psst','ref':'r2'}"));
        assertThat(received(back)).containsExactly("resumed:", "room_message:mine@2", "ack:@2", "ack:");
        l.alice().expectOnlyPong();
        assertThat(received(l.carol())).containsExactly("room_message:m1@1", "room_message:mine@2", "private_message:psst@1");
    }

    // ---- memory, shutdown ----

    @Test
    void whatAHeldSessionKeepsIsCountedAndGoesWithIt() {
        Lobby l = lobby();
        server.network().connection("bob").cut();
        whisper(l.alice(), "bob", "p1");
        whisper(l.alice(), "bob", "p2");
        var held = server.hub().stats();
        assertThat(held.sessions()).isEqualTo(2);
        assertThat(held.delivery().heldSessions()).isEqualTo(1);
        assertThat(held.delivery().inboxMessages()).isEqualTo(2);
        assertThat(held.delivery().inboxBytes()).isPositive();
        assertThat(server.hub().sessions()).extracting(Session::id).containsExactlyInAnyOrder("alice", "carol");
        server.advance(WINDOW.plusSeconds(1));
        assertThat(server.hub().stats().delivery().inboxMessages()).isZero();
        assertThat(server.hub().stats().delivery().inboxBytes()).isZero();
    }

    @Test
    void aShutdownHoldsItsSessionsAndEndsThemOnceEveryConnectionIsGone() {
        List<String> closes = Collections.synchronizedList(new ArrayList<>());
        server = HubFixture.of(OPTIONS, new HubHandler() {
            @Override
            public void onHeld(Session session, CloseStatus status) {
                closes.add("held " + status);
            }

            @Override
            public void onClose(Session session, CloseStatus status) {
                closes.add("close " + status);
            }
        });
        InMemoryClient alice = server.client("alice");
        server.hub().shutdown(Duration.ofSeconds(5));
        assertThat(alice.awaitClose(HubFixture.WAIT)).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
        assertThat(closes).containsExactly("held 1001 Server shutdown", "close 1001 Server shutdown");
        assertThat(server.hub().stats().delivery().heldSessions()).isZero();
    }
}
