package io.wshub.examples;

import io.wshub.CloseStatus;
import io.wshub.jetty.TestClient;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static io.wshub.examples.ServerFixture.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The room server speaks the protocol of docs/protocol.md over real sockets: every row of the table and every
 * error, the upgrade refusals, the limits and shutdown, with its delivery guarantees turned off. JSON is written with single quotes here
 * for readability ({@link #j}).
 */
class RoomServerTest {

    private static final Duration QUIET = Duration.ofMillis(300);
    private static final String WELCOME_CONTENT = "Connected to WebSocket server";
    /** One token per 100 s: no token comes back during a test, however slow the machine. */
    private static final double SLOW_REFILL = 0.01;

    private ServerFixture fixture;

    /**
     * The room server with these settings, and with its delivery guarantees off unless they say
     * otherwise: this class is the protocol's base, frame for frame; RoomServerDeliveryTest has the
     * server as it starts by default, with history, positions and resume.
     */
    private void start(Map<Setting, Object> settings) throws Exception {
        Map<Setting, Object> base = new EnumMap<>(Setting.class);
        base.put(Setting.ROOM_HISTORY, 0);
        base.put(Setting.RESUME_WINDOW, Duration.ZERO);
        base.putAll(settings);
        fixture = ServerFixture.start(ExampleServer.ROOM, base);
    }

    private void start() throws Exception {
        start(Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Single quotes to double quotes. */
    private static String j(String json) {
        return json.replace('\'', '"');
    }

    /** Connects as this id and takes the welcome. */
    private TestClient join(String id) throws Exception {
        TestClient c = fixture.connect("/ws?id=" + id);
        assertJson(c.nextText(), j("{'type':'welcome','id':'" + id + "','content':'" + WELCOME_CONTENT + "'}"));
        return c;
    }

    /** Connects these ids in turn and takes every presence message they get meanwhile: all inboxes are empty. */
    private List<TestClient> settled(String... ids) throws Exception {
        List<TestClient> clients = new ArrayList<>();
        for (String id : ids) {
            TestClient c = join(id);
            for (TestClient earlier : clients) {
                assertJson(earlier.nextText(), j("{'type':'user_joined','id':'" + id + "'}"));
            }
            clients.add(c);
        }
        return clients;
    }

    /** Joins the room and checks the reply's member list. */
    private static void enter(TestClient c, String room, String... members) throws Exception {
        c.sendText(j("{'type':'join_room','room':'" + room + "'}"));
        assertJson(c.nextText(), j("{'type':'room_joined','room':'" + room + "','members':" + jsonList(members) + "}"));
    }

    private static String jsonList(String... items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.length; i++) {
            b.append(i == 0 ? "" : ",").append('\'').append(items[i]).append('\'');
        }
        return b.append(']').toString();
    }

    private static void expectError(TestClient c, String error) throws Exception {
        assertJson(c.nextText(), "{\"type\":\"error\",\"error\":\"" + error + "\"}");
    }

    // ---- connecting ----

    @Test
    void aClientGetsTheWelcomeFirstAndEveryoneElseHearsItJoined() throws Exception {
        start();
        TestClient alice = join("alice");
        TestClient bob = join("bob");
        assertJson(alice.nextText(), j("{'type':'user_joined','id':'bob'}"));
        bob.expectNoMessage(QUIET);
    }

    @Test
    void withoutPresenceNoOneHearsOfArrivalsAndDeparturesButRoomsStillDo() throws Exception {
        start(Map.of(Setting.ANNOUNCE_PRESENCE, false));
        TestClient alice = join("alice");
        TestClient bob = join("bob");
        enter(alice, "lobby", "alice");
        enter(bob, "lobby", "alice", "bob");
        assertJson(alice.nextText(), j("{'type':'user_joined_room','room':'lobby','userId':'bob'}"));
        bob.close();
        assertJson(alice.nextText(), j("{'type':'user_left_room','room':'lobby','userId':'bob'}"));
        alice.expectNoMessage(QUIET);
    }

    @Test
    void theListenBacklogIsSizedForAReconnectStorm() throws Exception {
        start();
        assertThat(((ServerConnector) fixture.server.jetty().getConnectors()[0]).getAcceptQueueSize()).isEqualTo(4096);
        fixture.close();
        start(Map.of(Setting.ACCEPT_QUEUE_SIZE, 100));
        assertThat(((ServerConnector) fixture.server.jetty().getConnectors()[0]).getAcceptQueueSize()).isEqualTo(100);
    }

    @Test
    void withoutAnIdTheServerAssignsOne() throws Exception {
        start();
        TestClient anonymous = fixture.connect("/ws");
        var welcome = ServerFixture.json(anonymous.nextText());
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("content").asText()).isEqualTo(WELCOME_CONTENT);
        assertThat(welcome.get("id").asText()).matches("[A-Za-z0-9_.-]{1,64}");
    }

    @Test
    void aMalformedIdIsRefusedWith400() throws Exception {
        start();
        assertThat(fixture.refusal("/ws?id=bad%20name", Map.of())).isEqualTo(400);
        assertThat(fixture.refusal("/ws?id=", Map.of())).isEqualTo(400);
        assertThat(fixture.refusal("/ws?id=alice&id=bob", Map.of())).isEqualTo(400);
        assertThat(fixture.refusal("/ws?id=" + "a".repeat(65), Map.of())).isEqualTo(400);
        assertThat(fixture.refusal("/ws?id=%C3%A9t%C3%A9", Map.of())).isEqualTo(400);
        join("a".repeat(64)).close();
    }

    @Test
    void aTakenIdIsRefusedWith409() throws Exception {
        start();
        join("alice");
        assertThat(fixture.refusal("/ws?id=alice", Map.of())).isEqualTo(409);
    }

    @Test
    void aForeignOriginIsRefusedWith403() throws Exception {
        start(Map.of(Setting.ALLOWED_ORIGINS, List.of("https://app.example.com")));
        String self = "127.0.0.1:" + fixture.server.port();
        assertThat(fixture.refusal("/ws", Map.of("Origin", "https://evil.example.com"))).isEqualTo(403);
        assertThat(fixture.refusal("/ws", Map.of("Origin", "null"))).isEqualTo(403);
        assertThat(fixture.refusal("/ws", Map.of("Origin", "http://127.0.0.1:1"))).isEqualTo(403);
        assertThat(fixture.connect("/ws", Map.of("Origin", "http://" + self)).nextText()).contains("welcome");
        assertThat(fixture.connect("/ws", Map.of("Origin", "https://app.example.com")).nextText()).contains("welcome");
        assertThat(fixture.connect("/ws").nextText()).contains("welcome"); // no Origin: not a browser
    }

    @Test
    void beyondTheConnectionLimitUpgradesAreRefusedWith503() throws Exception {
        start(Map.of(Setting.MAX_CONNECTIONS, 2));
        TestClient alice = join("alice");
        join("bob");
        assertThat(fixture.refusal("/ws?id=carol", Map.of())).isEqualTo(503);

        alice.close(1000, "");
        alice.awaitClose();
        await().atMost(TestClient.TIMEOUT).until(() -> fixture.server.hubs().get("/ws").sessionCount() == 1);
        join("carol");
    }

    // ---- rooms ----

    @Test
    void joiningARoomListsItsMembersAndTellsThem() throws Exception {
        start();
        List<TestClient> both = settled("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        enter(alice, "lobby", "alice");
        enter(bob, "lobby", "alice", "bob");
        assertJson(alice.nextText(), j("{'type':'user_joined_room','room':'lobby','userId':'bob'}"));
        bob.expectNoMessage(QUIET);
    }

    @Test
    void joiningARoomAgainAnswersAgainAndTellsNoOne() throws Exception {
        start();
        List<TestClient> both = settled("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        enter(alice, "lobby", "alice");
        enter(bob, "lobby", "alice", "bob");
        alice.nextText();

        enter(bob, "lobby", "alice", "bob");

        alice.expectNoMessage(QUIET);
    }

    @Test
    void leavingARoomTellsTheRemainingMembersAndAnEmptyRoomGoes() throws Exception {
        start();
        List<TestClient> both = settled("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        enter(alice, "lobby", "alice");
        enter(bob, "lobby", "alice", "bob");
        alice.nextText();

        bob.sendText(j("{'type':'leave_room','room':'lobby'}"));
        assertJson(alice.nextText(), j("{'type':'user_left_room','room':'lobby','userId':'bob'}"));
        bob.expectNoMessage(QUIET);

        alice.sendText(j("{'type':'leave_room','room':'lobby'}"));
        await().atMost(TestClient.TIMEOUT).until(() -> fixture.server.hubs().get("/ws").rooms().names().isEmpty());
    }

    @Test
    void leavingARoomOneIsNotInIsAnError() throws Exception {
        start();
        TestClient alice = join("alice");
        alice.sendText(j("{'type':'leave_room','room':'nowhere'}"));
        expectError(alice, "Not in room");
    }

    @Test
    void aRoomMessageReachesTheOtherMembersWithEveryFieldAndFrom() throws Exception {
        start();
        List<TestClient> all = settled("alice", "bob", "carol");
        TestClient alice = all.get(0);
        TestClient bob = all.get(1);
        TestClient carol = all.get(2);
        enter(alice, "lobby", "alice");
        enter(bob, "lobby", "alice", "bob");
        alice.nextText();

        alice.sendText(j("{'type':'room_message','room':'lobby','content':'hi','data':{'n':[1,2.50,null],'s':'é'},'extra':true,'from':'mallory'}"));

        assertJson(bob.nextText(), j("{'type':'room_message','room':'lobby','content':'hi','data':{'n':[1,2.50,null],'s':'é'},'extra':true,'from':'alice'}"));
        alice.expectNoMessage(QUIET);
        carol.expectNoMessage(Duration.ZERO);
    }

    @Test
    void aRoomMessageFromANonMemberIsAnError() throws Exception {
        start();
        List<TestClient> both = settled("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        enter(bob, "lobby", "bob");
        alice.sendText(j("{'type':'room_message','room':'lobby','content':'hi'}"));
        expectError(alice, "Not in room");
        bob.expectNoMessage(QUIET);
    }

    @Test
    void anInvalidRoomNameIsAnErrorForEveryTypeThatNamesARoomAndIsCheckedFirst() throws Exception {
        start();
        TestClient alice = join("alice");
        for (String room : new String[] {"''", "'has space'", "'" + "r".repeat(65) + "'", "42", "null", "['a']"}) {
            alice.sendText(j("{'type':'join_room','room':" + room + "}"));
            expectError(alice, "Invalid room name");
            alice.sendText(j("{'type':'leave_room','room':" + room + "}"));
            expectError(alice, "Invalid room name");
            alice.sendText(j("{'type':'room_message','room':" + room + ",'content':'x'}"));
            expectError(alice, "Invalid room name");
        }
        alice.sendText(j("{'type':'join_room'}"));
        expectError(alice, "Invalid room name");
        enter(alice, "a:b.c_d-E9", "alice");
    }

    // ---- private and broadcast messages ----

    @Test
    void aPrivateMessageReachesItsTargetOnlyWithFrom() throws Exception {
        start();
        List<TestClient> all = settled("alice", "bob", "carol");
        TestClient alice = all.get(0);
        TestClient bob = all.get(1);
        TestClient carol = all.get(2);

        alice.sendText(j("{'type':'private_message','to':'bob','content':'psst','data':[1]}"));

        assertJson(bob.nextText(), j("{'type':'private_message','to':'bob','content':'psst','data':[1],'from':'alice'}"));
        alice.expectNoMessage(QUIET);
        carol.expectNoMessage(Duration.ZERO);
    }

    @Test
    void aPrivateMessageToItselfIsDelivered() throws Exception {
        start();
        TestClient alice = join("alice");
        alice.sendText(j("{'type':'private_message','to':'alice','content':'note to self'}"));
        assertJson(alice.nextText(), j("{'type':'private_message','to':'alice','content':'note to self','from':'alice'}"));
    }

    @Test
    void aPrivateMessageToNoOneIsAnError() throws Exception {
        start();
        TestClient alice = join("alice");
        alice.sendText(j("{'type':'private_message','to':'ghost','content':'hello?'}"));
        expectError(alice, "User not found");
        alice.sendText(j("{'type':'private_message','content':'to whom?'}"));
        expectError(alice, "User not found");
        alice.sendText(j("{'type':'private_message','to':7,'content':'a number'}"));
        expectError(alice, "User not found");
    }

    @Test
    void aBroadcastReachesEveryoneElseWithFrom() throws Exception {
        start();
        List<TestClient> all = settled("alice", "bob", "carol");
        TestClient alice = all.get(0);
        TestClient bob = all.get(1);
        TestClient carol = all.get(2);

        bob.sendText(j("{'type':'broadcast','content':'hello all','from':'spoof'}"));

        String expected = j("{'type':'broadcast','content':'hello all','from':'bob'}");
        assertJson(alice.nextText(), expected);
        assertJson(carol.nextText(), expected);
        bob.expectNoMessage(QUIET);
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        start();
        TestClient alice = join("alice");
        alice.sendText(j("{'type':'ping'}"));
        assertJson(alice.nextText(), j("{'type':'pong'}"));
    }

    // ---- disconnecting ----

    @Test
    void aDisconnectTellsItsRoomsFirstThenEveryone() throws Exception {
        start();
        List<TestClient> all = settled("alice", "bob", "carol");
        TestClient alice = all.get(0);
        TestClient bob = all.get(1);
        TestClient carol = all.get(2);
        enter(alice, "r1", "alice");
        enter(alice, "r2", "alice");
        enter(bob, "r1", "alice", "bob");
        enter(bob, "r2", "alice", "bob");
        alice.nextText();
        alice.nextText();

        bob.close(1000, "bye");

        var first = ServerFixture.json(alice.nextText());
        var second = ServerFixture.json(alice.nextText());
        assertThat(Set.of(first.toString(), second.toString())).containsExactlyInAnyOrder(
                j("{'type':'user_left_room','room':'r1','userId':'bob'}"),
                j("{'type':'user_left_room','room':'r2','userId':'bob'}"));
        assertJson(alice.nextText(), j("{'type':'user_left','id':'bob'}"));
        assertJson(carol.nextText(), j("{'type':'user_left','id':'bob'}"));
    }

    @Test
    void aDroppedConnectionIsADisconnectToo() throws Exception {
        start();
        List<TestClient> both = settled("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        bob.abort();
        assertJson(alice.nextText(), j("{'type':'user_left','id':'bob'}"));
    }

    // ---- errors that keep the connection open ----

    @Test
    void whatIsNotAJsonObjectIsAnInvalidMessageFormat() throws Exception {
        start();
        TestClient alice = join("alice");
        for (String bad : new String[] {"hello", "{\"type\":", "[1,2]", "\"type\"", "42", "null", "{\"type\":\"ping\"} trailing"}) {
            alice.sendText(bad);
            expectError(alice, "Invalid message format");
        }
        alice.sendBinary(j("{'type':'ping'}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        expectError(alice, "Invalid message format");
        alice.sendText(j("{'type':'ping'}"));
        assertJson(alice.nextText(), j("{'type':'pong'}"));
    }

    @Test
    void aMissingEmptyOrNonStringTypeIsAMissingMessageType() throws Exception {
        start();
        TestClient alice = join("alice");
        for (String bad : new String[] {"{}", "{'content':'x'}", "{'type':''}", "{'type':5}", "{'type':null}", "{'type':{'a':1}}"}) {
            alice.sendText(j(bad));
            expectError(alice, "Missing message type");
        }
    }

    @Test
    void anUnknownTypeIsNamedInTheError() throws Exception {
        start();
        TestClient alice = join("alice");
        alice.sendText(j("{'type':'dance'}"));
        expectError(alice, "Unknown message type: dance");
        alice.sendText(j("{'type':'pong'}"));
        expectError(alice, "Unknown message type: pong");
    }

    @Test
    void messagesOverTheRateLimitAreAnsweredWithAnErrorAndDropped() throws Exception {
        start(Map.of(Setting.RATE_LIMIT, SLOW_REFILL, Setting.RATE_LIMIT_BURST, 3));
        TestClient alice = join("alice");
        for (int i = 0; i < 5; i++) {
            alice.sendText(j("{'type':'ping'}"));
        }
        for (int i = 0; i < 3; i++) {
            assertJson(alice.nextText(), j("{'type':'pong'}"));
        }
        expectError(alice, "Rate limit exceeded");
        expectError(alice, "Rate limit exceeded");
        assertThat(alice.isClosed()).isFalse();
    }

    @Test
    void aSessionThatKeepsFloodingIsClosedWith1008() throws Exception {
        start(Map.of(Setting.RATE_LIMIT, SLOW_REFILL, Setting.RATE_LIMIT_BURST, 2));
        TestClient alice = join("alice");
        for (int i = 0; i < 10; i++) {
            try {
                alice.sendText(j("{'type':'ping'}"));
            } catch (ExecutionException closedMeanwhile) { // the close came before the last pings went out
                break;
            }
        }
        assertThat(alice.awaitClose()).isEqualTo(new CloseStatus(1008, "Rate limit exceeded"));
    }

    @Test
    void aRateLimitOfZeroMeansNoLimit() throws Exception {
        start(Map.of(Setting.RATE_LIMIT, 0.0, Setting.RATE_LIMIT_BURST, 1));
        TestClient alice = join("alice");
        for (int i = 0; i < 200; i++) {
            alice.sendText(j("{'type':'ping'}"));
        }
        for (int i = 0; i < 200; i++) {
            assertJson(alice.nextText(), j("{'type':'pong'}"));
        }
    }

    // ---- limits and shutdown ----

    @Test
    void aMessageOf512KiBIsAcceptedAndOneByteMoreClosesWith1009() throws Exception {
        start();
        TestClient alice = join("alice");
        String frame = j("{'type':'ping','pad':'");
        String end = j("'}");
        int padding = 512 * 1024 - frame.length() - end.length();
        alice.sendText(frame + "x".repeat(padding) + end);
        assertJson(alice.nextText(), j("{'type':'pong'}"));

        alice.sendText(frame + "x".repeat(padding + 1) + end);

        assertThat(alice.awaitClose().code()).isEqualTo(1009);
    }

    @Test
    void onShutdownEveryClientGetsTheNoticeThen1001() throws Exception {
        start();
        List<TestClient> both = settled("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);

        fixture.stopServer();

        for (TestClient c : new TestClient[] {alice, bob}) {
            CloseStatus status = c.awaitClose();
            List<String> last = new ArrayList<>();
            while (true) {
                try {
                    last.add(c.next(Duration.ZERO).text());
                } catch (AssertionError noMore) {
                    break;
                }
            }
            // Another client closing first may be announced (user_left) before this one's notice.
            assertThat(last).isNotEmpty();
            assertJson(last.get(last.size() - 1), j("{'type':'server_shutdown','message':'Server is shutting down'}"));
            last.subList(0, last.size() - 1).forEach(m -> assertThat(m).contains("\"type\":\"user_left\""));
            assertThat(status).isEqualTo(new CloseStatus(1001, "Server shutdown"));
        }
    }
}
