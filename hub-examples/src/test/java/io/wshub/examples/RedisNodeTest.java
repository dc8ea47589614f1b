package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.jetty.TestClient;
import io.wshub.redis.RedisServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code --redis} makes the example servers nodes of one cluster. */
class RedisNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void twoRoomServersGivenTheSameRedisShareTheirSessions() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ServerFixture a = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()));
             ServerFixture b = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()))) {
            await().atMost(WAIT).until(() -> "up".equals(health(a).path("status").asText())
                    && "up".equals(health(b).path("status").asText()));
            TestClient alice = a.connect("/ws?id=alice");
            alice.nextText(); // welcome

            TestClient bob = b.connect("/ws?id=bob");
            bob.nextText(); // welcome
            ServerFixture.assertJson(alice.nextText(), "{\"type\":\"user_joined\",\"id\":\"bob\"}");
            alice.sendText("{\"type\":\"broadcast\",\"content\":\"hello\"}");
            // Node a announced alice before it published her broadcast: b knows her now. Node b may
            // have heard of her only after bob connected: then bob is told she joined, first.
            String next = bob.nextText();
            if (next.equals("{\"type\":\"user_joined\",\"id\":\"alice\"}")) {
                next = bob.nextText();
            }
            ServerFixture.assertJson(next, "{\"type\":\"broadcast\",\"content\":\"hello\",\"from\":\"alice\"}");
            bob.sendText("{\"type\":\"private_message\",\"to\":\"alice\",\"content\":\"hi\"}");

            // From another node too, it takes its place in alice's inbox (the room server holds sessions for resume).
            ServerFixture.assertJson(alice.nextText(),
                    "{\"type\":\"private_message\",\"to\":\"alice\",\"content\":\"hi\",\"from\":\"bob\",\"seq\":1}");
            assertThat(a.refusal("/ws?id=bob", Map.of())).isEqualTo(409);
        }
    }

    @Test
    void aNodeOnRedisListsTheBrokersChecksAndIsReadyOnlyOnceItHasJoined() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ServerFixture a = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()))) {
            await().atMost(WAIT).until(() -> get(a, "/health/ready").statusCode() == 200);

            JsonNode health = ServerFixture.json(get(a, "/health").body());
            assertThat(health.get("status").asText()).isEqualTo("up");
            assertThat(health.get("checks").findValuesAsText("name"))
                    .containsExactly("hub:/ws", "redis:/ws", "canary:/ws", "cluster:/ws", "breaker:redis:/ws");
            assertThat(health.get("checks").findValuesAsText("status")).containsOnly("up");
            TestClient alice = a.connect("/ws?id=alice");
            alice.nextText(); // welcome
            alice.sendText("{\"type\":\"broadcast\",\"content\":\"hello\"}");
            await("the broker's publishes and canaries in the metrics").atMost(WAIT).until(() -> {
                PrometheusText m = PrometheusText.parse(get(a, "/metrics").body());
                return m.sum("wshub_broker_publish_total", "path", "/ws", "outcome", "succeeded") >= 1
                        && m.sum("wshub_broker_canary_seconds_count", "path", "/ws") >= 1;
            });

            redis.kill();

            await().atMost(WAIT).until(() -> get(a, "/health/ready").statusCode() == 503);
            assertThat(get(a, "/health/ready").body()).contains("redis:/ws: not connected to Redis");
            assertThat(get(a, "/health/live").statusCode()).as("an outage is no reason to restart").isEqualTo(200);
        }
    }

    @Test
    void withoutRedisAtStartTheNodeRefusesClientsUntilTheStartupTimeoutThenServesThemDegraded() throws Exception {
        try (ServerFixture a = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, "redis://127.0.0.1:1",
                Setting.STARTUP_TIMEOUT, Duration.ofMillis(700)))) {
            assertThat(a.refusal("/ws", Map.of())).isEqualTo(503);

            await().atMost(WAIT).until(() -> accepts(a));

            assertThat(get(a, "/health/ready").statusCode()).isEqualTo(503);
            assertThat(get(a, "/health/ready").body()).contains("cluster:/ws: not joined within the startup timeout of 700 ms");
        }
    }

    @Test
    void clientsConnectingTheMomentThePortsOpenAreTakenOnlyOnceTheNodeHasJoinedSoTheySeeEachOther() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ServerFixture a = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()));
             ServerFixture b = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()))) {
            TestClient alice = await().atMost(WAIT).until(() -> connectOrNull(a, "/ws?id=alice"), c -> c != null);
            alice.nextText(); // welcome
            alice.sendText("{\"type\":\"join_room\",\"room\":\"r\"}");
            assertThat(alice.nextText()).contains("room_joined");

            TestClient bob = await().atMost(WAIT).until(() -> connectOrNull(b, "/ws?id=bob"), c -> c != null);
            bob.nextText(); // welcome
            bob.sendText("{\"type\":\"join_room\",\"room\":\"r\"}");

            JsonNode joined = ServerFixture.json(nextOfType(bob, "room_joined"));
            java.util.List<String> members = new java.util.ArrayList<>();
            joined.get("members").forEach(m -> members.add(m.asText()));
            assertThat(members).as("bob's node had joined before it took him: it knows alice").containsExactlyInAnyOrder("alice", "bob");
        }
    }

    /** Connects, or null while the node refuses with 503 (it is joining its cluster). */
    private static TestClient connectOrNull(ServerFixture server, String pathAndQuery) throws Exception {
        try {
            return server.connect(pathAndQuery);
        } catch (TestClient.Refused e) {
            assertThat(e.status()).isEqualTo(503);
            return null;
        }
    }

    private static String nextOfType(TestClient client, String type) throws Exception {
        for (;;) {
            String text = client.nextText();
            if (text.contains("\"type\":\"" + type + "\"")) {
                return text;
            }
        }
    }

    private static boolean accepts(ServerFixture server) throws Exception {
        try {
            server.connect("/ws").nextText();
            return true;
        } catch (TestClient.Refused e) {
            return false;
        }
    }

    private static HttpResponse<String> get(ServerFixture server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRedisUriComesFromTheFlagTheEnvironmentOrYamlAndABadOneIsRefused() {
        assertThat(SettingsLoader.load(null, Map.of("WSHUB_REDIS", "redis://10.0.0.5:6379"), Map.of()).redis())
                .isEqualTo("redis://10.0.0.5:6379");
        assertThat(Settings.defaults().redis()).isEmpty();
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of(), Map.of(Setting.REDIS, "http://10.0.0.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--redis: expected a Redis URI such as redis://HOST:PORT, was 'http://10.0.0.5'");
    }

    private static JsonNode health(ServerFixture server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.http("/health")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        return ServerFixture.json(response.body());
    }
}
