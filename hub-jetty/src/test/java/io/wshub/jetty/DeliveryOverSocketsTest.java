package io.wshub.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.CloseStatus;
import io.wshub.HistoryLimits;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.Session;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.ManualScheduler;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery guarantees over real sockets (docs/protocol.md, "Delivery guarantees"): a member whose
 * TCP connection is dropped without a close frame while another keeps sending resumes within the
 * window and gets every missed room and private message once and in order, then live ones; nobody
 * hears it leave; after the window its rooms hear it leave once. The hub runs on Jetty with real
 * clients, on a manual clock: the window passes when the test says, without waiting for it (the
 * heartbeat is set far beyond it, so that moving the clock closes nobody for silence).
 */
class DeliveryOverSocketsTest {

    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ManualScheduler time = new ManualScheduler();
    private Hub hub;
    private TestServer server;
    private WebSocketClient jetty;
    private final List<TestClient> clients = new ArrayList<>();
    private int refs;

    @BeforeEach
    void start() throws Exception {
        hub = Hub.builder().scheduler(time)
                .options(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(WINDOW)
                        .pingInterval(Duration.ofMinutes(10)).pongTimeout(Duration.ofMinutes(11))
                        // the manual clock jumps while a socket's write may still be in flight: not a stuck write
                        .writeTimeout(Duration.ofHours(1)).build())
                .handler(RoomProtocol.router().build())
                .build();
        server = TestServer.start(s -> WshubHandler.builder(s).mount("/ws", hub).build());
        jetty = TestClient.newJettyClient();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(TestClient::close);
        hub.shutdown(Duration.ZERO);
        time.advance(Duration.ofSeconds(10)); // the shutdown's own steps run on the manual clock
        jetty.stop();
        server.close();
    }

    private static String j(String json) {
        return json.replace('\'', '"');
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private TestClient connect(String query) throws Exception {
        TestClient c = TestClient.connect(jetty, server.ws("/ws?" + query));
        clients.add(c);
        return c;
    }

    /** The next frame of this type, skipping others. */
    private static JsonNode next(TestClient c, String type) throws Exception {
        for (;;) {
            JsonNode m = json(c.nextText());
            if (m.path("type").asText().equals(type)) {
                return m;
            }
        }
    }

    /** Frames as "type:content@seq", until (and with) the room message with this content. */
    private static List<String> until(TestClient c, String lastContent) throws Exception {
        List<String> out = new ArrayList<>();
        for (;;) {
            JsonNode m = json(c.nextText());
            out.add(m.path("type").asText() + ":" + m.path("content").asText() + (m.has("seq") ? "@" + m.get("seq").asLong() : ""));
            if (m.path("type").asText().equals("room_message") && m.path("content").asText().equals(lastContent)) {
                return out;
            }
        }
    }

    private static void say(TestClient c, String content) throws Exception {
        c.sendText(j("{'type':'room_message','room':'lobby','content':'" + content + "'}"));
    }

    /**
     * Sends the message with a ref of its own and waits for its ack: the hub has handled it. (Each
     * client's messages are handled on its own connection's thread: without this, one client's message
     * sent before another's may be handled after it.)
     */
    private void handled(TestClient c, String message) throws Exception {
        String ref = "h" + (++refs);
        c.sendText(j(message).substring(0, j(message).length() - 1) + ",\"ref\":\"" + ref + "\"}");
        for (JsonNode m = next(c, "ack"); !m.get("ref").asText().equals(ref); m = next(c, "ack")) {
            // an earlier ack
        }
    }

    private boolean held(String id) {
        return hub.session(id).map(Session::isHeld).orElse(false);
    }

    private record Lobby(TestClient alice, TestClient bob, TestClient carol, String bobsToken, String inboxEpoch, String epoch) {
    }

    private Lobby lobby() throws Exception {
        TestClient alice = connect("id=alice");
        next(alice, "welcome");
        TestClient bob = connect("id=bob");
        JsonNode welcome = next(bob, "welcome");
        TestClient carol = connect("id=carol");
        next(carol, "welcome");
        alice.sendText(j("{'type':'join_room','room':'lobby'}"));
        String epoch = next(alice, "room_joined").get("epoch").asText();
        bob.sendText(j("{'type':'join_room','room':'lobby'}"));
        next(bob, "room_joined");
        carol.sendText(j("{'type':'join_room','room':'lobby'}"));
        next(carol, "room_joined");
        next(alice, "user_joined_room");
        next(alice, "user_joined_room");
        next(bob, "user_joined_room");
        return new Lobby(alice, bob, carol, welcome.get("resume").asText(), welcome.get("inbox").get("epoch").asText(), epoch);
    }

    /** The highest seq of the room messages the client received before its connection went. */
    private static long lastSeqSeen(TestClient c) {
        long seen = 0;
        for (TestClient.Received m : c.drain()) {
            JsonNode node = json(m.text());
            if (node.path("type").asText().equals("room_message")) {
                seen = Math.max(seen, node.get("seq").asLong());
            }
        }
        return seen;
    }

    @Test
    void aMemberCutOffMidStreamGetsEveryMissedMessageOnceAndInOrderWhenItResumesAndNobodyHeardItLeave() throws Exception {
        Lobby l = lobby();
        l.carol().sendText(j("{'type':'private_message','to':'bob','content':'p1'}"));
        assertThat(next(l.bob(), "private_message").get("seq").asLong()).isEqualTo(1);
        for (int i = 1; i <= 20; i++) {
            say(l.alice(), "m" + i);
            if (i == 10) {
                l.bob().abort(); // the socket goes without a close frame, while alice keeps sending
            }
        }
        assertThat(l.bob().awaitClose(WAIT).code()).isEqualTo(1006);
        await().atMost(WAIT).until(() -> held("bob"));
        long seen = lastSeqSeen(l.bob());
        handled(l.alice(), "{'type':'room_message','room':'lobby','content':'m21'}");
        handled(l.carol(), "{'type':'private_message','to':'bob','content':'p2'}");
        time.advance(WINDOW.minusSeconds(10));

        TestClient back = connect("resume=" + l.bobsToken());
        JsonNode welcome = json(back.nextText());
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("resumed").asBoolean()).isTrue();
        assertThat(welcome.get("id").asText()).isEqualTo("bob");
        back.sendText(j("{'type':'resume','rooms':{'lobby':{'seq':" + seen + ",'epoch':'" + l.epoch() + "'}},"
                + "'inbox':{'seq':1,'epoch':'" + l.inboxEpoch() + "'}}"));
        assertThat(json(back.nextText()).toString()).isEqualTo(j("{'type':'resumed','rooms':{'lobby':true},'inbox':true}"));
        say(l.alice(), "m22");

        List<String> expected = new ArrayList<>();
        for (long i = seen + 1; i <= 21; i++) {
            expected.add("room_message:m" + i + "@" + i);
        }
        expected.add("private_message:p2@2");
        expected.add("room_message:m22@22");
        assertThat(until(back, "m22")).isEqualTo(expected);

        l.alice().sendText(j("{'type':'ping'}"));
        List<String> alice = new ArrayList<>();
        for (JsonNode m = json(l.alice().nextText()); !m.path("type").asText().equals("pong"); m = json(l.alice().nextText())) {
            alice.add(m.path("type").asText());
        }
        assertThat(alice).as("what alice got: no one left, no one came back").doesNotContain("user_left_room", "user_left",
                "user_joined", "user_joined_room");
    }

    @Test
    void afterTheWindowTheSessionIsGoneItsRoomsHeardItLeaveOnceAndItsTokenIsAFreshSession() throws Exception {
        Lobby l = lobby();
        l.bob().abort();
        await().atMost(WAIT).until(() -> held("bob"));
        time.advance(WINDOW.plusSeconds(1));

        assertThat(next(l.alice(), "user_left_room").get("userId").asText()).isEqualTo("bob");
        assertThat(next(l.alice(), "user_left").get("id").asText()).isEqualTo("bob");
        l.alice().sendText(j("{'type':'ping'}"));
        assertThat(json(l.alice().nextText()).get("type").asText()).as("told once").isEqualTo("pong");
        assertThat(hub.session("bob")).isEmpty();

        TestClient expired = connect("resume=" + l.bobsToken());
        JsonNode welcome = next(expired, "welcome");
        assertThat(welcome.get("resumed").asBoolean()).isFalse();
        TestClient forged = connect("resume=" + "x".repeat(32) + "&id=mallory");
        assertThat(next(forged, "welcome").get("resumed").asBoolean()).isFalse();
    }

    @Test
    void messagesSentAgainWhoseAcksWereNeverSeenAreNotDeliveredTwiceAndGetTheSameSeq() throws Exception {
        Lobby l = lobby();
        l.bob().sendText(j("{'type':'room_message','room':'lobby','content':'once','ref':'r1'}"));
        l.bob().abort(); // whether its ack arrived or not, bob never saw it
        await().atMost(WAIT).until(() -> held("bob"));
        assertThat(next(l.alice(), "room_message").get("seq").asLong()).isEqualTo(1);

        TestClient back = connect("resume=" + l.bobsToken());
        next(back, "welcome");
        back.sendText(j("{'type':'resume','rooms':{'lobby':{'seq':1,'epoch':'" + l.epoch() + "'}}}"));
        next(back, "resumed");
        back.sendText(j("{'type':'room_message','room':'lobby','content':'once','ref':'r1'}"));
        assertThat(next(back, "ack").toString()).isEqualTo(j("{'type':'ack','ref':'r1','seq':1}"));
        say(l.carol(), "after");
        assertThat(until(l.alice(), "after")).as("'once' only once").containsExactly("room_message:after@2");
    }

    @Test
    void aJoinSinceThePositionItHadRecoversWhatCameMeanwhile() throws Exception {
        Lobby l = lobby();
        say(l.alice(), "m1");
        assertThat(next(l.bob(), "room_message").get("seq").asLong()).isEqualTo(1);
        l.bob().sendText(j("{'type':'leave_room','room':'lobby'}"));
        next(l.alice(), "user_left_room");
        say(l.alice(), "m2");
        handled(l.alice(), "{'type':'room_message','room':'lobby','content':'m3'}");
        l.bob().sendText(j("{'type':'join_room','room':'lobby','since':{'seq':1,'epoch':'" + l.epoch() + "'}}"));
        JsonNode joined = next(l.bob(), "room_joined");
        assertThat(joined.get("recovered").asBoolean()).isTrue();
        assertThat(joined.get("seq").asLong()).isEqualTo(3);
        assertThat(until(l.bob(), "m3")).containsExactly("room_message:m2@2", "room_message:m3@3");

        l.carol().sendText(j("{'type':'join_room','room':'lobby','since':{'seq':1,'epoch':'old'}}"));
        assertThat(next(l.carol(), "room_joined").get("recovered").asBoolean()).isFalse();
    }
}
