package io.wshub.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.wshub.Message;
import io.wshub.testing.RecordingRecoveryListener;
import io.wshub.testing.ScriptedConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static io.wshub.client.ClientFixture.PRIMARY;
import static io.wshub.client.ClientFixture.SECONDARY;
import static io.wshub.client.Frames.withoutRefs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The room-protocol helper against a server without the delivery features (its welcome offers no
 * resume): it joins its rooms again on every connection, before buffered messages, and joins each
 * room once per connection however join is called.
 */
class RoomClientTest {

    private static final String WELCOME = "{\"type\":\"welcome\",\"id\":\"me\",\"content\":\"Connected to WebSocket server\"}";
    private static final String JOIN_LOBBY = "{\"type\":\"join_room\",\"room\":\"lobby\"}";
    private static final String LOBBY_JOINED = "{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"me\"]}";

    private final ClientFixture f = new ClientFixture();
    private final RecordingRecoveryListener recovery = new RecordingRecoveryListener();

    private RoomClient openRoomClient() {
        f.transport.openAt(PRIMARY);
        RoomClient rooms = RoomClient.connect(f.builder().onMessage(frame -> { }), recovery);
        f.transport.connection().serverSends(WELCOME);
        return rooms;
    }

    private ScriptedConnection reconnect() {
        f.advance(f.events.lastFailure().retryIn());
        ScriptedConnection next = f.transport.connection();
        next.serverSends(WELCOME);
        return next;
    }

    @Test
    void joinCompletesWithTheServersAnswer() {
        RoomClient rooms = openRoomClient();

        CompletableFuture<Message> joined = rooms.join("lobby");
        f.transport.connection().serverSends("{\"type\":\"room_joined\",\"room\":\"other\",\"members\":[]}");
        assertThat(joined).isNotDone();
        f.transport.connection().serverSends(LOBBY_JOINED);

        assertThat(joined).isCompletedWithValueMatching(frame -> frame.text().equals(LOBBY_JOINED));
        assertThat(withoutRefs(f.transport.connection().written())).containsExactly(JOIN_LOBBY);
        assertThat(rooms.rooms()).containsExactly("lobby");
        assertThat(rooms.sessionId()).isEqualTo("me");
    }

    @Test
    void roomsAreJoinedAgainBeforeMessagesSentDuringTheOutageGoOut() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        f.transport.connection().serverSends(LOBBY_JOINED);
        f.transport.connection().drop();

        rooms.send("lobby", "sent while offline");
        ScriptedConnection second = reconnect();
        assertThat(withoutRefs(second.written())).containsExactly(JOIN_LOBBY);
        assertThat(rooms.client().state()).isEqualTo(ClientState.RECONNECTING);

        second.serverSends(LOBBY_JOINED);

        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
        assertThat(withoutRefs(second.written())).containsExactly(JOIN_LOBBY,
                "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"sent while offline\"}");
    }

    @Test
    void aServerThatAnnouncedItsShutdownIsLeftForTheNextUrlWithTheRoomsJoinedThere() {
        f.transport.openAt(PRIMARY).openAt(SECONDARY);
        RoomClient rooms = RoomClient.connect(f.builder().url(SECONDARY).onMessage(frame -> { }), recovery);
        f.transport.connection().serverSends(WELCOME);
        rooms.join("lobby");
        f.transport.connection().serverSends(LOBBY_JOINED);

        f.transport.connection().serverSends("{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}");
        f.transport.connection().drop(); // even without its 1001: the notice said it goes away
        ScriptedConnection second = reconnect();

        assertThat(f.transport.lastAttempt().url()).isEqualTo(SECONDARY);
        assertThat(withoutRefs(second.written())).containsExactly(JOIN_LOBBY);
    }

    @Test
    void aRoomLeftIsNotJoinedAgain() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        rooms.join("games");
        rooms.leave("lobby");
        assertThat(withoutRefs(f.transport.connection().written())).last().isEqualTo("{\"type\":\"leave_room\",\"room\":\"lobby\"}");

        f.transport.connection().drop();
        ScriptedConnection second = reconnect();

        assertThat(withoutRefs(second.written())).containsExactly("{\"type\":\"join_room\",\"room\":\"games\"}");
        assertThat(rooms.rooms()).containsExactly("games");
    }

    @Test
    void aRoomJoinedWhileConnectingIsJoinedOnceOnTheFirstConnection() {
        RoomClient rooms = RoomClient.connect(f.builder().onMessage(frame -> { }));
        CompletableFuture<Message> joined = rooms.join("lobby");

        ScriptedConnection connection = f.transport.lastAttempt().open();
        connection.serverSends(WELCOME);
        connection.serverSends(LOBBY_JOINED);

        assertThat(joined).isCompleted();
        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
        assertThat(withoutRefs(connection.written())).containsExactly(JOIN_LOBBY);
    }

    @Test
    void aRoomJoinedWhileTheRestoreRunsIsJoinedOnce() {
        CompletableFuture<Void> laterHook = new CompletableFuture<>();
        f.transport.openAt(PRIMARY);
        RoomClient rooms = RoomClient.connect(f.builder().onMessage(frame -> { }).restoreHook(context -> laterHook));
        ScriptedConnection connection = f.transport.connection();
        connection.serverSends(WELCOME);

        CompletableFuture<Message> joined = rooms.join("lobby");
        laterHook.complete(null);
        connection.serverSends(LOBBY_JOINED);

        assertThat(joined).isCompleted();
        assertThat(withoutRefs(connection.written())).containsExactly(JOIN_LOBBY);
    }

    @Test
    void aJoinWhoseConnectionDropsBeforeItIsWrittenIsJoinedOnceByTheNextConnection() {
        RoomClient rooms = openRoomClient();
        f.transport.connection().holdWrites();
        rooms.send("lobby", "first");          // in flight: the join waits behind it
        CompletableFuture<Message> joined = rooms.join("lobby");
        f.transport.connection().drop();

        ScriptedConnection second = reconnect();
        second.serverSends(LOBBY_JOINED);

        assertThat(joined).isCompleted();
        assertThat(withoutRefs(second.written())).containsExactly(JOIN_LOBBY);
    }

    @Test
    void aSendCompletesWhenWrittenWhenTheServerDoesNotAcknowledge() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        f.transport.connection().serverSends(LOBBY_JOINED);

        CompletableFuture<Receipt> sent = rooms.send("lobby", "hi");

        assertThat(sent).isCompletedWithValueMatching(r -> !r.acknowledged() && r.seq().equals(OptionalLong.empty())
                && r.ref().startsWith("rc-"));
        assertThat(Frames.json(f.transport.connection().written().get(1)).path("ref").asText()).isEqualTo(sent.join().ref());
    }

    @Test
    void aServerThatAcknowledgesWithoutOfferingResumeIsTakenAtItsWordFromItsFirstAck() {
        List<String> handed = new ArrayList<>();
        f.transport.openAt(PRIMARY);
        RoomClient rooms = RoomClient.connect(f.builder().onMessage(frame -> handed.add(frame.text())));
        ScriptedConnection connection = f.transport.connection();
        connection.serverSends(WELCOME);
        CompletableFuture<Receipt> first = rooms.send("lobby", "one");
        assertThat(first).isCompletedWithValueMatching(r -> !r.acknowledged());

        connection.serverSends("{\"type\":\"ack\",\"ref\":\"" + first.join().ref() + "\",\"seq\":1}");
        CompletableFuture<Receipt> second = rooms.send("lobby", "two");
        assertThat(second).isNotDone();
        connection.serverSends("{\"type\":\"ack\",\"ref\":\"" + Frames.json(connection.written().get(1)).path("ref").asText()
                + "\",\"seq\":2}");

        assertThat(second).isCompletedWithValueMatching(r -> r.acknowledged() && r.seq().getAsLong() == 2);
        assertThat(handed).containsExactly(WELCOME);
    }

    @Test
    void aReconnectToAServerWithoutHistoryReportsEveryRoomAndTheInboxAsNotRecovered() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        f.transport.connection().serverSends(LOBBY_JOINED);
        assertThat(recovery.heard()).isEmpty(); // nothing to recover on the first connection
        f.transport.connection().drop();

        reconnect().serverSends(LOBBY_JOINED);

        assertThat(recovery.heard()).containsExactly("inbox:false", "lobby:false");
    }

    @Test
    void aMessageBeingWrittenWhenTheConnectionBreaksIsNotSentAgainToAServerWithoutDedupe() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        f.transport.connection().serverSends(LOBBY_JOINED);
        f.transport.connection().holdWrites();
        CompletableFuture<Receipt> sent = rooms.send("lobby", "maybe");

        f.transport.connection().drop();
        reconnect().serverSends(LOBBY_JOINED);

        assertThat(sent).isCompletedExceptionally();
        assertThat(withoutRefs(f.transport.connection().written())).containsExactly(JOIN_LOBBY);
    }

    @Test
    void aJoinTheServerNeverAnswersTimesOut() {
        RoomClient rooms = openRoomClient();

        CompletableFuture<Message> joined = rooms.join("lobby");
        f.advance(Duration.ofSeconds(60));

        assertThat(joined).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class).withMessageContaining("no room_joined for lobby within PT1M");
    }

    @Test
    void aRoomNameTheServerWouldRefuseIsRefusedAtOnce() {
        RoomClient rooms = openRoomClient();

        assertThatThrownBy(() -> rooms.join("no spaces")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("room must be 1-64 of [A-Za-z0-9_.:-], was \"no spaces\"");
        assertThatThrownBy(() -> rooms.join("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThat(rooms.rooms()).isEmpty();
    }

    @Test
    void aMessageWithoutATypeOrWithItsOwnRefIsRefusedAtOnce() {
        RoomClient rooms = openRoomClient();
        JsonNodeFactory json = JsonNodeFactory.instance;

        assertThatThrownBy(() -> rooms.send(json.objectNode().put("content", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("message must have a string type, was {\"content\":\"x\"}");
        assertThatThrownBy(() -> rooms.send(json.objectNode().put("type", "broadcast").put("ref", 7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the room client gives every message its ref; this one has 7");
    }

    @Test
    void aBuilderTakesOneRoomClient() {
        ReconnectingClient.Builder builder = f.builder();
        RoomClient.connect(builder);

        assertThatThrownBy(() -> RoomClient.connect(builder)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a session protocol");
    }
}
