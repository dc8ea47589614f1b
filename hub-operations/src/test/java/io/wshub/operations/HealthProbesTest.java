package io.wshub.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.HealthCheck;
import io.wshub.Hub;
import io.wshub.protocol.RoomProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health} with named checks and system info, and the {@code /live} and {@code /ready} probes beside it. */
class HealthProbesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final CountDownLatch release = new CountDownLatch(1);
    private Hub hub;
    private OperationsServer server;

    private void start(Hub h) throws Exception {
        hub = h;
        server = OperationsServer.start(Map.of("/ws", hub), b -> b.health("/health"));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (server != null) {
            server.close();
        }
        hub.shutdown(Duration.ZERO);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http(path)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void healthListsTheHubCheckAndTheJvmBesideTodaysFields() throws Exception {
        start(Hub.builder().handler(RoomProtocol.router().build()).build());

        JsonNode health = json(get("/health"));

        assertThat(health.get("status").asText()).isEqualTo("up");
        assertThat(health.get("uptimeSeconds").isIntegralNumber()).isTrue();
        assertThat(health.get("threads").get("live").asInt()).isPositive();
        assertThat(health.get("heap").get("usedBytes").asLong()).isPositive();
        assertThat(health.get("gc").get("collections").isIntegralNumber()).isTrue();
        assertThat(health.get("gc").get("pauseMillis").isIntegralNumber()).isTrue();
        assertThat(health.get("jvm").get("version").asText()).isEqualTo(Runtime.version().toString());
        JsonNode check = health.get("checks").get(0);
        assertThat(check.get("name").asText()).isEqualTo("hub:/ws");
        assertThat(check.get("status").asText()).isEqualTo("up");
        assertThat(check.get("durationMillis").isNumber()).isTrue();
        assertThat(check.get("metadata").get("sessions").asInt()).isZero();
        assertThat(json(get("/health/ready"))).isEqualTo(JSON.readTree("{\"status\":\"ready\",\"reasons\":[]}"));
        assertThat(json(get("/health/live"))).isEqualTo(JSON.readTree("{\"status\":\"live\",\"reasons\":[]}"));
    }

    @Test
    void aCheckPastItsTimeoutMakesTheNodeDegradedAndNotReadyAndHealthStillAnswers() throws Exception {
        start(Hub.builder().build());
        server.operations().healthChecks().add("db", Duration.ofMillis(200), () -> {
            release.await();
            return HealthCheck.Result.up();
        });

        HttpResponse<String> health = get("/health");
        HttpResponse<String> ready = get("/health/ready");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("degraded");
        JsonNode db = json(health).get("checks").get(1);
        assertThat(db.get("name").asText()).isEqualTo("db");
        assertThat(db.get("status").asText()).isEqualTo("down");
        assertThat(db.get("error").asText()).isEqualTo("timed out after 200 ms");
        assertThat(release.getCount()).as("answered while the check still hangs").isEqualTo(1);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).get("reasons").toString()).isEqualTo("[\"db: timed out after 200 ms\"]");
        assertThat(get("/health/live").statusCode()).as("a hanging check is no reason to restart").isEqualTo(200);
    }

    @Test
    void checksAddedAndRemovedAtRunTimeDecideReadiness() throws Exception {
        start(Hub.builder().build());
        server.operations().healthChecks().add("cache", Duration.ofSeconds(1), () -> HealthCheck.Result.down("cold", Map.of("hits", 0)));

        JsonNode ready = json(get("/health/ready"));
        assertThat(ready.get("status").asText()).isEqualTo("not_ready");
        assertThat(ready.get("reasons").toString()).isEqualTo("[\"cache: cold\"]");
        assertThat(json(get("/health")).get("checks").get(1).get("metadata").get("hits").asInt()).isZero();

        server.operations().healthChecks().remove("cache");

        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aStalledHubIsNeitherLiveNorReady() throws Exception {
        DeadTimer deadTimer = new DeadTimer();
        start(Hub.builder().scheduler(deadTimer).build());
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        deadTimer.advance(Duration.ofSeconds(30));

        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(json(live).get("status").asText()).isEqualTo("stalled");
        assertThat(json(live).get("reasons").get(0).asText()).startsWith("/ws: the hub's timer has not ticked for 30000 ms");
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).get("reasons").toString()).contains("hub:/ws: the hub's timer has not ticked");
    }

    @Test
    void theProbesAnswerReadsOnlyAndOtherPathsBelowHealthFallThrough() throws Exception {
        start(Hub.builder().build());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.http("/health/ready"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get("/health/other").statusCode()).isEqualTo(404);
        assertThat(get("/healthz").statusCode()).isEqualTo(404);
    }
}
