package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The examples' admin endpoint: off by default, behind a token on the main port, or on the metrics port alone. */
class AdminEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServerFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(WAIT);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void itIsOffByDefault() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        assertThat(Settings.defaults().adminPath()).isEmpty();
        assertThat(get(fixture.http("/admin/sessions"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void onTheMainPortWithoutATokenTheServerRefusesToStart() {
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_ADMIN_PATH", "/admin"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid settings: adminPath (/admin, from WSHUB_ADMIN_PATH) would be served on the main port without a token:"
                        + " set adminToken (WSHUB_ADMIN_TOKEN), or metricsPort to serve it there");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_ADMIN_PATH", "admin"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("WSHUB_ADMIN_PATH: expected a path such as /metrics, was 'admin'");
        assertThatThrownBy(() -> ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.ADMIN_PATH, "/health/live",
                Setting.ADMIN_TOKEN, "t")))
                .isInstanceOf(ConfigException.class).hasMessage("invalid settings: adminPath /health/live is taken by the"
                        + " room server's own paths");
    }

    @Test
    void onTheMainPortItAsksForTheTokenFromTheEnvironment() throws Exception {
        Settings settings = SettingsLoader.load(null, Map.of("WSHUB_ADMIN_PATH", "/admin", "WSHUB_ADMIN_TOKEN", "env-token"),
                Map.of());
        assertThat(settings.adminToken()).isEqualTo("env-token");
        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.ADMIN_PATH, "/admin", Setting.ADMIN_TOKEN, "env-token"));
        fixture.connect("/ws?id=alice").nextText();

        assertThat(get(fixture.http("/admin"), null).statusCode()).isEqualTo(401);
        assertThat(get(fixture.http("/admin"), "guess").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = get(fixture.http("/admin?n=5"), "env-token");

        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode session = ServerFixture.json(ok.body()).get("sessions").get(0);
        assertThat(session.get("hub").asText()).isEqualTo("/ws");
        assertThat(session.get("id").asText()).isEqualTo("alice");
        assertThat(session.get("remoteAddress").asText()).startsWith("127.0.0.1:");
        assertThat(get(fixture.http("/admin?n=5000"), "env-token").statusCode()).isEqualTo(400);
    }

    @Test
    void onTheMetricsPortItNeedsNoTokenAndTheMainPortDoesNotHaveIt() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ECHO, Map.of(Setting.METRICS_PORT, 0, Setting.ADMIN_PATH, "/admin"));
        URI own = URI.create("http://127.0.0.1:" + fixture.server.metricsPort() + "/admin");

        HttpResponse<String> r = get(own, null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ServerFixture.json(r.body()).get("sessionsSeen").asInt()).isZero();
        assertThat(get(fixture.http("/admin"), null).statusCode()).as("on the main port").isEqualTo(404);
        assertThat(get(URI.create("http://127.0.0.1:" + fixture.server.metricsPort() + "/metrics"), null).statusCode())
                .isEqualTo(200);
    }
}
