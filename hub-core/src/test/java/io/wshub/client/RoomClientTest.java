package io.wshub.client;

import io.wshub.testing.ScriptedConnection;
import io.wshub.Message;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static io.wshub.client.ClientFixture.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The room-protocol helper joins its rooms again on every connection, before buffered messages. */
class RoomClientTest {

    private static final String JOIN_LOBBY = "{\"type\":\"join_room\",\"room\":\"lobby\"}";
    private static final String LOBBY_JOINED = "{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"me\"]}";

    private final ClientFixture f = new ClientFixture();

    private RoomClient openRoomClient() {
        f.transport.openAt(PRIMARY);
        return RoomClient.connect(f.builder().onMessage(frame -> { }));
    }

    @Test
    void joinCompletesWithTheServersAnswer() {
        RoomClient rooms = openRoomClient();

        CompletableFuture<Message> joined = rooms.join("lobby");
        f.transport.connection().serverSends("{\"type\":\"room_joined\",\"room\":\"other\",\"members\":[]}");
        assertThat(joined).isNotDone();
        f.transport.connection().serverSends(LOBBY_JOINED);

        assertThat(joined).isCompletedWithValueMatching(frame -> frame.text().equals(LOBBY_JOINED));
        assertThat(f.transport.connection().written()).containsExactly(JOIN_LOBBY);
        assertThat(rooms.rooms()).containsExactly("lobby");
    }

    @Test
    void roomsAreJoinedAgainBeforeMessagesSentDuringTheOutageGoOut() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        f.transport.connection().serverSends(LOBBY_JOINED);
        f.transport.connection().drop();

        rooms.send("lobby", "sent while offline");
        f.advance(f.events.lastFailure().retryIn());
        ScriptedConnection second = f.transport.connection();
        assertThat(second.written()).containsExactly(JOIN_LOBBY);
        assertThat(rooms.client().state()).isEqualTo(ClientState.RECONNECTING);

        second.serverSends(LOBBY_JOINED);

        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
        assertThat(second.written()).containsExactly(JOIN_LOBBY,
                "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"sent while offline\"}");
    }

    @Test
    void aRoomLeftIsNotJoinedAgain() {
        RoomClient rooms = openRoomClient();
        rooms.join("lobby");
        rooms.join("games");
        rooms.leave("lobby");
        assertThat(f.transport.connection().written()).last().isEqualTo("{\"type\":\"leave_room\",\"room\":\"lobby\"}");

        f.transport.connection().drop();
        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.connection().written()).containsExactly("{\"type\":\"join_room\",\"room\":\"games\"}");
        assertThat(rooms.rooms()).containsExactly("games");
    }

    @Test
    void aRoomJoinedWhileConnectingIsJoinedOnTheFirstConnection() {
        RoomClient rooms = RoomClient.connect(f.builder().onMessage(frame -> { }));
        CompletableFuture<Message> joined = rooms.join("lobby");

        ScriptedConnection connection = f.transport.lastAttempt().open();
        connection.serverSends(LOBBY_JOINED);

        assertThat(joined).isCompleted();
        assertThat(rooms.client().state()).isEqualTo(ClientState.OPEN);
        assertThat(connection.written()).first().isEqualTo(JOIN_LOBBY);
    }

    @Test
    void aRoomNameTheServerWouldRefuseIsRefusedAtOnce() {
        RoomClient rooms = openRoomClient();

        assertThatThrownBy(() -> rooms.join("no spaces")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("room must be 1-64 of [A-Za-z0-9_.:-], was \"no spaces\"");
        assertThatThrownBy(() -> rooms.join("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThat(rooms.rooms()).isEmpty();
    }
}
