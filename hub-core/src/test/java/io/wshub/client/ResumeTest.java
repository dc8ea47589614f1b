package io.wshub.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.testing.RecordingRecoveryListener;
import io.wshub.testing.ScriptedTransport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.wshub.client.ClientFixture.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room client against a server with the delivery guarantees (a scripted one, on the test's
 * thread): it resumes its session across cuts with the newest token and its positions, delivers
 * every room message and private message once and in order, sends every message once in effect
 * (again with its ref when the ack was lost), completes each send with its ack, and tells per room
 * whether it was recovered.
 */
class ResumeTest {

    /** Reconnects within a second, so that no send outlives its timeout while the test cuts and cuts again. */
    private static final ClientOptions QUICK = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1)).build();

    private final ClientFixture f = new ClientFixture();
    private final FakeRoomServer server = FakeRoomServer.withDelivery(f.transport);
    private final List<ObjectNode> delivered = new ArrayList<>();
    private final RecordingRecoveryListener recovery = new RecordingRecoveryListener();

    /** A room client named "me" in lobby, with bob in lobby too. */
    private RoomClient meInLobby() {
        ReconnectingClient.Builder builder = ReconnectingClient.builder(f.transport).url(PRIMARY + "?id=me")
                .options(QUICK).listener(f.events).jitter(() -> 1.0)
                .onMessage(frame -> delivered.add(Frames.json(frame.text())));
        RoomClient rooms = RoomClient.connect(builder, recovery);
        server.botJoins("bob", "lobby");
        rooms.join("lobby");
        server.settle();
        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
        return rooms;
    }

    private void reconnect() {
        f.advance(f.events.lastFailure().retryIn());
        server.settle();
    }

    private List<String> heard(String type) {
        return delivered.stream().filter(m -> type.equals(m.path("type").asText())).map(m -> m.path("content").asText()).toList();
    }

    private List<String> typesDelivered() {
        return delivered.stream().map(m -> m.path("type").asText()).toList();
    }

    @Test
    void aSendCompletesWithTheAckAndTheSeqTheRoomGaveIt() {
        RoomClient rooms = meInLobby();
        server.botSays("bob", "lobby", "one");

        CompletableFuture<Receipt> sent = rooms.send("lobby", "two");
        server.settle();

        assertThat(sent).isCompletedWithValueMatching(r -> r.acknowledged() && r.seq().getAsLong() == 2);
        assertThat(typesDelivered()).doesNotContain("ack"); // the room client's own business
    }

    @Test
    void aMemberCutOffGetsEveryMissedMessageOnceAndInOrderAndHearsItsRoomWasRecovered() {
        RoomClient rooms = meInLobby();
        server.botSays("bob", "lobby", "1");
        server.settle();

        server.cut("me");
        server.botSays("bob", "lobby", "2");
        server.botSays("bob", "lobby", "3");
        server.botWhispers("bob", "me", "psst");
        reconnect();
        server.botSays("bob", "lobby", "4");
        server.settle();

        assertThat(heard("room_message")).containsExactly("1", "2", "3", "4");
        assertThat(heard("private_message")).containsExactly("psst");
        assertThat(recovery.heard()).containsExactly("lobby:true", "inbox:true");
        assertThat(rooms.sessionId()).isEqualTo("me");
        assertThat(server.room("lobby").members).extracting(s -> s.id).containsExactly("bob", "me");
    }

    @Test
    void itResumesWithTheNewestTokenAndTellsTheServerWhereItIs() {
        RoomClient rooms = meInLobby();
        server.botSays("bob", "lobby", "1");
        server.settle();
        String first = server.session("me").token;

        server.cut("me");
        reconnect();
        String second = server.session("me").token;
        server.cut("me");
        reconnect();

        List<ScriptedTransport.Attempt> attempts = f.transport.attempts();
        assertThat(attempts.get(1).url().getRawQuery()).isEqualTo("id=me&resume=" + first);
        assertThat(attempts.get(2).url().getRawQuery()).isEqualTo("id=me&resume=" + second);
        ObjectNode resume = Frames.ofType(f.transport.connection().written(), "resume").get(0);
        assertThat(resume.path("rooms").path("lobby").path("seq").asLong()).isEqualTo(1);
        assertThat(resume.path("rooms").path("lobby").path("epoch").asText()).isEqualTo(server.room("lobby").epoch);
        assertThat(resume.path("inbox").path("epoch").asText()).isEqualTo(server.session("me").inboxEpoch);
        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
    }

    @Test
    void aMessageWhoseAckWasLostIsSentAgainWithItsRefAndHandledOnce() {
        RoomClient rooms = meInLobby();
        server.loseRepliesTo("me");
        CompletableFuture<Receipt> sent = rooms.send("lobby", "once");
        server.settle();
        assertThat(server.contents("lobby")).containsExactly("once");
        assertThat(sent).isNotDone();

        server.cut("me");
        reconnect();

        assertThat(sent).isCompletedWithValueMatching(r -> r.acknowledged() && r.seq().getAsLong() == 1);
        assertThat(server.contents("lobby")).containsExactly("once");
        List<ObjectNode> sends = Frames.ofType(f.transport.connection().written(), "room_message");
        assertThat(sends).extracting(m -> m.path("ref").asText()).containsExactly(sent.join().ref());
        assertThat(heard("room_message")).isEmpty(); // its own message, in the replay, is not handed back
    }

    @Test
    void aMessageWhoseWriteFailsAsTheConnectionDiesGoesAgainInItsPlaceBeforeTheOnesBehindIt() {
        RoomClient rooms = meInLobby();
        var connection = server.session("me").connection;
        connection.holdWrites();
        List<CompletableFuture<Receipt>> sent = List.of(rooms.send("lobby", "1"), rooms.send("lobby", "2"), rooms.send("lobby", "3"));

        connection.failWrite(); // the write in flight fails before the connection's end is reported
        server.cut("me");
        reconnect();

        assertThat(server.contents("lobby")).containsExactly("1", "2", "3");
        assertThat(sent).allSatisfy(s -> assertThat(s).isCompletedWithValueMatching(Receipt::acknowledged));
    }

    @Test
    void messagesSentDuringTheOutageGoOutAfterTheResumeInOrderEachOnce() {
        RoomClient rooms = meInLobby();
        server.cut("me");
        List<CompletableFuture<Receipt>> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            sent.add(rooms.send("lobby", "offline-" + i));
        }

        reconnect();

        assertThat(server.contents("lobby")).containsExactly("offline-1", "offline-2", "offline-3", "offline-4", "offline-5");
        assertThat(sent).allSatisfy(s -> assertThat(s).isCompletedWithValueMatching(Receipt::acknowledged));
        assertThat(sent.get(4).join().seq().getAsLong()).isEqualTo(5);
    }

    @Test
    void aMessageTheServerRefusesFailsWithItsError() {
        RoomClient rooms = meInLobby();

        CompletableFuture<Receipt> sent = rooms.send("nowhere", "hello?");
        server.settle();

        assertThat(sent).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(MessageRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo("Not in room"));
        assertThat(typesDelivered()).doesNotContain("error");
    }

    @Test
    void aMessageNeverAcknowledgedTimesOutAndIsNotSentAgain() {
        RoomClient rooms = meInLobby();
        server.loseRepliesTo("me");
        CompletableFuture<Receipt> sent = rooms.send("lobby", "lost");
        server.settle();

        f.advance(Duration.ofSeconds(60));

        assertThat(sent).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(SendTimeoutException.class).withMessageContaining("may or may not have been handled");
        server.cut("me");
        reconnect();
        assertThat(Frames.ofType(f.transport.connection().written(), "room_message")).isEmpty();
    }

    @Test
    void aDuplicateRoomOrPrivateMessageIsNotDeliveredAgain() {
        meInLobby();
        server.botSays("bob", "lobby", "1");
        server.botWhispers("bob", "me", "psst");
        server.settle();

        server.sendRaw("me", server.room("lobby").history.get(0).toString());
        server.sendRaw("me", server.session("me").inbox.get(0).toString());

        assertThat(heard("room_message")).containsExactly("1");
        assertThat(heard("private_message")).containsExactly("psst");
    }

    @Test
    void aSessionNotResumedJoinsItsRoomsWithSinceAndRecoversThemFromTheHistory() {
        RoomClient rooms = meInLobby();
        server.botSays("bob", "lobby", "1");
        server.settle();
        server.cut("me");
        server.expire("me");            // the window passed: a fresh session, but lobby lives on with bob
        server.botSays("bob", "lobby", "2");

        reconnect();

        assertThat(heard("room_message")).containsExactly("1", "2");
        assertThat(recovery.heard()).containsExactly("inbox:false", "lobby:true");
        ObjectNode join = Frames.ofType(f.transport.connection().written(), "join_room").get(0);
        assertThat(join.path("since").path("seq").asLong()).isEqualTo(1);
        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
    }

    @Test
    void aMessageSentButNotAcknowledgedFailsWhenTheSessionIsNotResumed() {
        RoomClient rooms = meInLobby();
        server.loseRepliesTo("me");
        CompletableFuture<Receipt> sent = rooms.send("lobby", "maybe");
        server.settle();
        server.cut("me");
        server.expire("me");

        reconnect();

        assertThat(sent).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ConnectionLostException.class)
                .withMessageContaining("the session was not resumed: it may or may not have been handled");
        assertThat(server.contents("lobby")).containsExactly("maybe");
    }

    @Test
    void aRoomWhoseHistoryNoLongerReachesBackIsReportedNotRecoveredAndItsPlaceLearnedAgain() {
        server.historyLimit(2);
        RoomClient rooms = meInLobby();
        server.cut("me");
        for (int i = 1; i <= 5; i++) {
            server.botSays("bob", "lobby", Integer.toString(i));
        }

        reconnect();
        server.botSays("bob", "lobby", "6");
        server.settle();

        assertThat(recovery.heard()).containsExactly("lobby:false", "inbox:true");
        assertThat(heard("room_message")).containsExactly("6");
        server.cut("me");
        server.botSays("bob", "lobby", "7");
        reconnect();
        assertThat(recovery.heard()).endsWith("lobby:true", "inbox:true");
        assertThat(heard("room_message")).containsExactly("6", "7");
        assertThat(rooms.rooms()).containsExactly("lobby");
    }

    @Test
    void aServerThatForgotEverythingIsAFreshStartAndEveryRoomIsReportedNotRecovered() {
        RoomClient rooms = meInLobby();
        server.botSays("bob", "lobby", "1");
        server.settle();

        server.restartForgettingEverything();
        server.botJoins("bob", "lobby");
        server.botSays("bob", "lobby", "after the restart");
        reconnect();

        assertThat(recovery.heard()).containsExactly("inbox:false", "lobby:false");
        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
        server.botSays("bob", "lobby", "live");
        server.settle();
        assertThat(heard("room_message")).containsExactly("1", "live");
    }

    @Test
    void aRoomLeftWhileAwayIsLeftOnTheResumedSession() {
        RoomClient rooms = meInLobby();
        server.cut("me");
        rooms.leave("lobby");

        reconnect();

        assertThat(server.room("lobby").members).extracting(s -> s.id).containsExactly("bob");
        assertThat(recovery.heard()).containsExactly("inbox:true");
    }

    @Test
    void aRoomJoinedWhileAwayIsJoinedOnTheResumedSession() {
        RoomClient rooms = meInLobby();
        server.cut("me");
        CompletableFuture<?> joined = rooms.join("games");

        reconnect();

        assertThat(joined).isCompleted();
        assertThat(server.room("games").members).extracting(s -> s.id).containsExactly("me");
    }

    @Test
    void acrossRepeatedCutsEveryMessageArrivesOnceAndInOrderBothWays() {
        RoomClient rooms = meInLobby();
        Random random = new Random(42); // deterministic: the same cuts every run
        List<String> bobSent = new ArrayList<>();
        List<String> meSent = new ArrayList<>();
        List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
            int what = random.nextInt(10);
            if (what < 4) {
                String m = "bob-" + round;
                bobSent.add(m);
                server.botSays("bob", "lobby", m);
            } else if (what < 8) {
                String m = "me-" + round;
                meSent.add(m);
                receipts.add(rooms.send("lobby", m));
            } else if (what == 8) {
                server.loseRepliesTo("me");
            } else if (server.session("me").connection != null) {
                server.cut("me");
            }
            if (random.nextBoolean()) {
                server.settle();
            }
            if (rooms.client().state() == ClientState.RECONNECTING && random.nextBoolean()) {
                reconnect();
            }
        }
        if (server.session("me").connection != null) {
            server.cut("me");
        }
        reconnect();

        assertThat(heard("room_message")).containsExactlyElementsOf(bobSent);
        assertThat(server.contents("lobby").stream().filter(c -> c.startsWith("me-")).toList()).containsExactlyElementsOf(meSent);
        assertThat(receipts).allSatisfy(r -> assertThat(r).isCompletedWithValueMatching(Receipt::acknowledged));
        assertThat(recovery.heard()).doesNotContain("lobby:false", "inbox:false");
        assertThat(f.transport.attempts()).as("connections").hasSizeGreaterThan(10);
        assertThat(server.repeatedRefs()).as("messages sent again whose first copy was handled").isPositive();
    }
}
