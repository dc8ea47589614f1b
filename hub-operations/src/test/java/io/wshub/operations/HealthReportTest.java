package io.wshub.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.Hub;
import io.wshub.jetty.TestClient;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The health report of two hubs mounted in Jetty, and where the endpoints may be put. */
class HealthReportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Hub chat = Hub.builder().handler(RoomProtocol.router().build()).build();
    private final Hub echo = Hub.builder().handler(new RawEchoHandler()).build();
    private final HttpClient http = HttpClient.newHttpClient();
    private OperationsServer server;
    private WebSocketClient client;

    private void start() throws Exception {
        Map<String, Hub> hubs = new LinkedHashMap<>();
        hubs.put("/ws", chat);
        hubs.put("/echo", echo);
        server = OperationsServer.start(hubs, b -> b.health("/health"));
        client = TestClient.newJettyClient();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
        chat.shutdown(Duration.ZERO);
        echo.shutdown(Duration.ZERO);
    }

    private HttpResponse<String> get(String path, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReportsTheHubsTheHeapAndTheThreads() throws Exception {
        start();
        TestClient.connect(client, server.ws("/ws?id=alice")).nextText();
        TestClient.connect(client, server.ws("/echo"));

        HttpResponse<String> response = get("/health", "GET");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.get("status").asText()).isEqualTo("up");
        assertThat(health.get("shuttingDown").asBoolean()).isFalse();
        assertThat(health.get("sessions").asInt()).isEqualTo(2);
        assertThat(health.get("rooms").asInt()).isZero();
        assertThat(health.get("uptimeSeconds").isIntegralNumber()).isTrue();
        assertThat(health.get("heap").get("usedBytes").asLong()).isPositive();
        assertThat(health.get("heap").get("maxBytes").asLong()).isPositive();
        assertThat(health.get("threads").get("live").asInt()).isPositive();
        assertThat(health.get("hubs").get("/ws").get("sessions").asInt()).isEqualTo(1);
        assertThat(health.get("hubs").get("/ws").get("connects").asLong()).isEqualTo(1);
        assertThat(health.get("hubs").get("/ws").get("errors").has("HANDLER")).isTrue();
        assertThat(health.get("hubs").get("/echo").get("brokerUp").asBoolean()).isTrue();
    }

    @Test
    void healthAnswersHeadWithoutABodyAndRefusesOtherMethods() throws Exception {
        start();
        HttpResponse<String> head = get("/health", "HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> post = get("/health", "POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void healthIs503WhileAHubShutsDown() throws Exception {
        start();
        TestClient alice = TestClient.connect(client, server.ws("/ws"));
        alice.nextText();
        chat.shutdown();

        HttpResponse<String> response = get("/health", "GET");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.get("status").asText()).isEqualTo("shutting_down");
        assertThat(health.get("shuttingDown").asBoolean()).isTrue();
    }

    @Test
    void healthIs503WithTheReasonWhenAHubsTimerStopsMakingProgress() throws Exception {
        DeadTimer deadTimer = new DeadTimer();
        Hub wedged = Hub.builder().handler(RoomProtocol.router().build()).scheduler(deadTimer).build();
        try {
            server = OperationsServer.start(Map.of("/ws", wedged), b -> b.health("/health"));
            assertThat(get("/health", "GET").statusCode()).isEqualTo(200);

            deadTimer.advance(Duration.ofSeconds(30));
            HttpResponse<String> response = get("/health", "GET");

            assertThat(response.statusCode()).isEqualTo(503);
            JsonNode health = JSON.readTree(response.body());
            assertThat(health.get("status").asText()).isEqualTo("stalled");
            assertThat(health.get("hubs").get("/ws").get("stall").asText()).startsWith("the hub's timer has not ticked for 30000 ms");
        } finally {
            wedged.shutdown(Duration.ZERO);
        }
    }

    @Test
    void theMetricsPathAnswersWhatTheRegistryRendersAtThatMoment() throws Exception {
        int[] scrapes = {0};
        server = OperationsServer.start(Map.of("/ws", chat),
                b -> b.metrics("/metrics", "text/plain; version=0.0.4", () -> "scrapes " + ++scrapes[0] + "\n"));

        HttpResponse<String> first = get("/metrics", "GET");
        HttpResponse<String> second = get("/metrics", "GET");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4");
        assertThat(first.body()).isEqualTo("scrapes 1\n");
        assertThat(second.body()).isEqualTo("scrapes 2\n");
        assertThat(get("/metrics", "DELETE").statusCode()).isEqualTo(405);
        assertThat(get("/health", "GET").statusCode()).as("only the endpoints given paths answer").isEqualTo(404);
    }

    @Test
    void anEndpointMayNotTakeAHubsPathOrAnotherEndpointsButMayBeMovedItself() {
        OperationsHandler.Builder b = OperationsHandler.builder(Map.of("/ws", chat));
        assertThatThrownBy(() -> b.health("/ws"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path /ws is already taken");
        b.health("/health").health("/status").metrics("/metrics", "text/plain", () -> "");
        assertThatThrownBy(() -> b.admin("/status/ready", "token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path /status/ready is already taken");
        assertThatThrownBy(() -> b.adminWithoutToken("/metrics"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path /metrics is already taken");
        assertThatThrownBy(() -> b.metrics("admin", "text/plain", () -> ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path must start with / and have no query, was 'admin'");
        b.admin("/health/ready", "token"); // the old health path is free again
        assertThat(b.build().healthChecks().names()).containsExactly("hub:/ws");
    }
}
