package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Hub;
import io.wshub.jetty.TestClient;
import io.wshub.jetty.TestServer;
import io.wshub.jetty.WshubHandler;
import io.wshub.operations.OperationsHandler;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes, each a Jetty server on its own port with the room protocol on {@code /ws} and
 * {@code /health}, linked by a real Redis; clients are real WebSocket clients.
 */
class JettyClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<JettyNode> nodes = new ArrayList<>();
    private RedisServer redis;
    private WebSocketClient client;

    /** A node: Jetty, a hub with a Redis broker, its health path. */
    private record JettyNode(TestServer server, Hub hub) {
        URI ws(String id) {
            return server.ws("/ws?id=" + id);
        }
    }

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        client = TestClient.newJettyClient();
        String prefix = TestNode.freshPrefix();
        for (String id : List.of("a", "b", "c")) {
            Hub hub = Hub.builder().handler(RoomProtocol.router().build())
                    .broker(new RedisBroker(TestNode.options(redis.uri(), prefix, id))).build();
            TestServer server = TestServer.start(s -> {
                WshubHandler wshub = WshubHandler.builder(s).mount("/ws", hub).build();
                wshub.setHandler(OperationsHandler.builder(wshub.hubs()).health("/health").build());
                return wshub;
            });
            nodes.add(new JettyNode(server, hub));
        }
        for (JettyNode n : nodes) {
            await().atMost(WAIT).until(() -> n.hub().stats().brokerUp());
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (JettyNode n : nodes) {
            n.server().close();
        }
        if (client != null) {
            client.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void clientsOnThreeNodesExchangeRoomMessagesBroadcastsAndPrivateMessages() throws Exception {
        WsPeer alice = WsPeer.connect(client, node(0).ws("alice"));
        WsPeer bob = WsPeer.connect(client, node(1).ws("bob"));
        WsPeer carol = WsPeer.connect(client, node(2).ws("carol"));
        alice.join("lobby");
        bob.join("lobby");
        assertThat(alice.next("user_joined_room").path("userId").asText()).isEqualTo("bob");
        carol.send("join_room", "room", "lobby");
        JsonNode joined = carol.next("room_joined");
        assertThat(joined.path("members")).extracting(JsonNode::asText).containsExactly("alice", "bob", "carol");

        bob.send("room_message", "room", "lobby", "content", "hello lobby");
        for (WsPeer p : List.of(alice, carol)) {
            JsonNode m = p.next("room_message");
            assertThat(m.path("from").asText()).isEqualTo("bob");
            assertThat(m.path("content").asText()).isEqualTo("hello lobby");
        }

        carol.send("broadcast", "content", "hello all");
        assertThat(alice.next("broadcast").path("from").asText()).isEqualTo("carol");
        assertThat(bob.next("broadcast").path("from").asText()).isEqualTo("carol");

        alice.send("private_message", "to", "carol", "content", "just you");
        JsonNode psst = carol.next("private_message");
        assertThat(psst.path("from").asText()).isEqualTo("alice");
        assertThat(psst.path("content").asText()).isEqualTo("just you");
    }

    @Test
    void anIdHeldOnOneNodeIsRefusedWith409ByAnother() throws Exception {
        WsPeer.connect(client, node(0).ws("alice"));

        assertThatThrownBy(() -> TestClient.connect(client, node(1).ws("alice")))
                .isInstanceOfSatisfying(TestClient.Refused.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void whileRedisIsDownHealthSaysDegradedAndLocalDeliveryGoesOnThenCrossNodeDeliveryResumes() throws Exception {
        WsPeer alice = WsPeer.connect(client, node(0).ws("alice"));
        WsPeer alice2 = WsPeer.connect(client, node(0).ws("alice2"));
        WsPeer bob = WsPeer.connect(client, node(1).ws("bob"));
        for (WsPeer p : List.of(alice, alice2, bob)) {
            p.join("r");
        }
        await().atMost(WAIT).until(() -> node(0).hub().rooms().members("r").size() == 3);
        assertThat(health(node(0)).path("status").asText()).isEqualTo("up");

        redis.kill();

        await("degraded").atMost(WAIT).until(() -> "degraded".equals(health(node(0)).path("status").asText()));
        HttpResponse<String> degraded = healthResponse(node(0));
        assertThat(degraded.statusCode()).as("degraded still serves: 503 is for shutting down only").isEqualTo(200);
        assertThat(JSON.readTree(degraded.body()).path("hubs").path("/ws").path("brokerUp").asBoolean()).isFalse();
        alice.send("room_message", "room", "r", "content", "during");
        assertThat(alice2.next("room_message").path("content").asText()).isEqualTo("during");

        redis.restart();

        for (JettyNode n : nodes) {
            await("up again").atMost(WAIT).until(() -> "up".equals(health(n).path("status").asText()));
        }
        await("member lists span nodes again").atMost(WAIT)
                .until(() -> node(1).hub().rooms().members("r").equals(List.of("alice", "alice2", "bob")));
        alice.send("room_message", "room", "r", "content", "after");
        assertThat(bob.next("room_message").path("content").asText()).isEqualTo("after");
        assertThat(alice2.next("room_message").path("content").asText()).isEqualTo("after");
    }

    private JettyNode node(int i) {
        return nodes.get(i);
    }

    private HttpResponse<String> healthResponse(JettyNode n) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(n.server().http("/health")).timeout(WAIT).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode health(JettyNode n) throws Exception {
        return JSON.readTree(healthResponse(n).body());
    }

    /** A room-protocol client over a real WebSocket. */
    private static final class WsPeer {
        private final TestClient ws;

        private WsPeer(TestClient ws) {
            this.ws = ws;
        }

        static WsPeer connect(WebSocketClient client, URI uri) throws Exception {
            WsPeer p = new WsPeer(TestClient.connect(client, uri));
            p.next("welcome");
            return p;
        }

        void send(String type, String... fields) throws Exception {
            ObjectNode m = JSON.createObjectNode().put("type", type);
            for (int i = 0; i < fields.length; i += 2) {
                m.put(fields[i], fields[i + 1]);
            }
            ws.sendText(m.toString());
        }

        void join(String room) throws Exception {
            send("join_room", "room", room);
            next("room_joined");
        }

        /** The next message of this type, skipping others; each wait is bounded by the client's timeout. */
        JsonNode next(String type) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> skipped = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                JsonNode m = JSON.readTree(ws.nextText());
                if (type.equals(m.path("type").asText())) {
                    return m;
                }
                skipped.add(m.toString());
            }
            throw new AssertionError("no " + type + " within " + WAIT + "; skipped " + skipped);
        }
    }
}
