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
            // Node a announced alice before it published her broadcast: b knows her now.
            ServerFixture.assertJson(bob.nextText(), "{\"type\":\"broadcast\",\"content\":\"hello\",\"from\":\"alice\"}");
            bob.sendText("{\"type\":\"private_message\",\"to\":\"alice\",\"content\":\"hi\"}");

            ServerFixture.assertJson(alice.nextText(),
                    "{\"type\":\"private_message\",\"to\":\"alice\",\"content\":\"hi\",\"from\":\"bob\"}");
            assertThat(a.refusal("/ws?id=bob", Map.of())).isEqualTo(409);
        }
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
