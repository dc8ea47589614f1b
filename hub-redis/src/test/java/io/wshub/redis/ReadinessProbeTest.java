package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A Jetty node on Redis: its probes and its refusal of clients before it has joined its cluster. */
class ReadinessProbeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = TestNode.WAIT;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private RedisServer redis;
    private RedisProxy proxy;
    private Hub hub;
    private TestServer server;
    private WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        proxy = RedisProxy.to(redis.port());
        proxy.blackHole(true); // the node cannot join until the test lets it
        RedisBroker broker = new RedisBroker(BrokerHealthTest.options(proxy.uri()).startupTimeout(Duration.ofMinutes(1)).build());
        hub = Hub.builder().handler(RoomProtocol.router().build()).broker(broker).build();
        server = TestServer.start(s -> {
            WshubHandler wshub = WshubHandler.builder(s).mount("/ws", hub).build();
            OperationsHandler operations = OperationsHandler.builder(wshub.hubs()).health("/health").build();
            wshub.setHandler(operations);
            operations.healthChecks().add("redis:/ws", Duration.ofSeconds(2), broker.pingCheck())
                    .add("canary:/ws", Duration.ofSeconds(1), broker.canaryCheck())
                    .add("cluster:/ws", Duration.ofSeconds(1), broker.joinCheck());
            return wshub;
        });
        client = TestClient.newJettyClient();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (client != null) {
                client.stop();
            }
            server.close();
        } finally {
            proxy.close();
            redis.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http(path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void beforeTheNodeHasJoinedReadyIs503AndUpgradesAre503ThenBothOpen() throws Exception {
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("not_ready");
        assertThat(body.get("reasons").toString()).contains("/ws: its broker does not reach the other nodes")
                .contains("cluster:/ws: joining its cluster for").contains("canary:/ws: no canary has come back");
        assertThat(get("/health/live").statusCode()).as("a node that joins is alive").isEqualTo(200);
        assertThatThrownBy(() -> TestClient.connect(client, server.ws("/ws")))
                .isInstanceOfSatisfying(TestClient.Refused.class, e -> assertThat(e.status()).isEqualTo(503));

        proxy.blackHole(false);

        await("ready").atMost(WAIT).until(() -> get("/health/ready").statusCode() == 200);
        assertThat(JSON.readTree(get("/health/ready").body()).get("status").asText()).isEqualTo("ready");
        TestClient alice = TestClient.connect(client, server.ws("/ws?id=alice"));
        assertThat(alice.nextText()).contains("\"type\":\"welcome\"");
    }

    @Test
    void healthListsEveryNamedCheckWithItsStatusDurationAndError() throws Exception {
        JsonNode joining = JSON.readTree(get("/health").body());
        assertThat(joining.get("status").asText()).isEqualTo("degraded");
        JsonNode cluster = check(joining, "cluster:/ws");
        assertThat(cluster.get("status").asText()).isEqualTo("down");
        assertThat(cluster.get("error").asText()).startsWith("joining its cluster for");
        assertThat(check(joining, "hub:/ws").get("status").asText()).isEqualTo("up");

        proxy.blackHole(false);

        await("up").atMost(WAIT).until(() -> JSON.readTree(get("/health").body()).get("status").asText().equals("up"));
        JsonNode up = JSON.readTree(get("/health").body());
        for (String name : new String[] {"hub:/ws", "redis:/ws", "canary:/ws", "cluster:/ws"}) {
            JsonNode c = check(up, name);
            assertThat(c.get("status").asText()).as(name).isEqualTo("up");
            assertThat(c.has("error")).isFalse();
            assertThat(c.get("durationMillis").isNumber()).isTrue();
        }
        assertThat(check(up, "canary:/ws").get("metadata").get("roundTripMillis").isNumber()).isTrue();
    }

    @Test
    void whileTheNodeShutsDownReadyIs503AndLiveStays200() throws Exception {
        proxy.blackHole(false);
        await("ready").atMost(WAIT).until(() -> get("/health/ready").statusCode() == 200);
        TestClient.connect(client, server.ws("/ws?id=alice")).nextText();

        hub.shutdown(Duration.ofSeconds(5));

        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(ready.body()).get("reasons").toString()).contains("/ws: shutting down");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    /** The named check in a health report. */
    static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }
}
