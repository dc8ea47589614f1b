package io.wshub.examples;

import io.wshub.HubStats;
import io.wshub.OverflowPolicy;
import io.wshub.jetty.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static io.wshub.examples.ServerFixture.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics} of a running example server, scraped over HTTP and read as Prometheus text,
 * against what the test did to the server. Counters are read as differences from a first scrape,
 * so that what the server did before (its own connects) does not count.
 */
class MetricsEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private ServerFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void connectionsMessagesRoomsAndErrorsOfTheRoomServerAreScraped() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.ANNOUNCE_PRESENCE, false));
        PrometheusText before = scrape(fixture.http("/metrics"));
        assertThat(before.sum("wshub_sessions", "path", "/ws")).isZero();

        TestClient alice = welcomed("alice");
        TestClient bob = welcomed("bob");
        alice.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        alice.nextText();
        bob.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        bob.nextText();
        alice.nextText(); // user_joined_room bob
        alice.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}");
        assertJson(bob.nextText(), "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\",\"from\":\"alice\",\"seq\":1}");
        bob.sendText("{\"type\":\"no_such_type\"}");
        bob.nextText(); // its error
        assertThat(fixture.refusal("/ws?id=alice", Map.of())).isEqualTo(409);
        assertThat(fixture.refusal("/ws?id=bad%20id", Map.of())).isEqualTo(400);
        // in: 2 joins, 1 room message, 1 unknown type; out: 2 welcomes, 2 room_joined, 1 user_joined_room,
        // 1 room message, 1 error
        awaitMetric(m -> m.sum("wshub_messages_total", "path", "/ws", "direction", "out"), 7);

        PrometheusText after = scrape(fixture.http("/metrics"));
        assertThat(delta(before, after, "wshub_connections_total", "path", "/ws", "outcome", "accepted")).isEqualTo(2);
        assertThat(delta(before, after, "wshub_connections_total", "path", "/ws", "outcome", "refused", "reason", "id_taken"))
                .isEqualTo(1);
        assertThat(delta(before, after, "wshub_connections_total", "path", "/ws", "outcome", "refused", "reason", "invalid_id"))
                .isEqualTo(1);
        assertThat(delta(before, after, "wshub_messages_total", "path", "/ws", "direction", "in", "kind", "text")).isEqualTo(4);
        assertThat(delta(before, after, "wshub_messages_total", "path", "/ws", "direction", "out", "kind", "text")).isEqualTo(7);
        assertThat(delta(before, after, "wshub_message_size_bytes_count", "path", "/ws", "direction", "in")).isEqualTo(4);
        assertThat(delta(before, after, "wshub_errors_total", "path", "/ws", "kind", "invalid_message")).isEqualTo(1);
        assertThat(after.sum("wshub_sessions", "path", "/ws")).isEqualTo(2);
        assertThat(after.sum("wshub_rooms", "path", "/ws")).isEqualTo(1);
        assertThat(after.sum("wshub_room_members", "path", "/ws")).isEqualTo(2);
        assertThat(after.sum("wshub_broker_up", "path", "/ws")).isEqualTo(1);
        assertThat(after.has("jvm_memory_used_bytes")).as("the JVM's meters").isTrue();
        assertThat(after.has("process_uptime_seconds")).as("the process's meters").isTrue();

        bob.close(1000, "bye");
        awaitMetric(m -> m.sum("wshub_session_duration_seconds_count", "path", "/ws", "reason", "normal"), 1);
        assertThat(scrape(fixture.http("/metrics")).sum("wshub_sessions", "path", "/ws")).isEqualTo(1);
    }

    @Test
    void aReaderThatStopsHasMessagesDroppedByPolicyThenIsClosedAsASlowConsumer() throws Exception {
        fixture = ServerFixture.start(ExampleServer.BROADCAST, Map.of(
                Setting.OVERFLOW_POLICY, OverflowPolicy.DROP_NEWEST, Setting.MAX_QUEUED_MESSAGES, 4,
                Setting.WRITE_TIMEOUT, Duration.ofSeconds(1), Setting.RATE_LIMIT, 0.0));
        TestClient sender = fixture.connect("/broadcast");
        try (Socket stalled = stalledReader("/broadcast")) {
            await().atMost(WAIT).until(() -> fixture.server.hubs().get("/broadcast").sessionCount() == 2);

            byte[] frame = new byte[128 * 1024];
            for (int i = 0; i < 64; i++) { // 8 MiB: more than the socket buffers between them hold
                sender.sendBinary(frame);
            }

            awaitMetric(m -> m.sum("wshub_slow_consumer_disconnects_total", "path", "/broadcast"), 1);
            awaitMetric(m -> m.sum("wshub_messages_total", "path", "/broadcast", "direction", "in"), 64);
            awaitMetric(m -> m.sum("wshub_sessions", "path", "/broadcast"), 1);
            HubStats stats = fixture.server.hubs().get("/broadcast").stats();
            PrometheusText metrics = scrape(fixture.http("/metrics"));
            assertThat(stats.droppedNewest()).as("the hub dropped some").isPositive();
            assertThat(metrics.sum("wshub_dropped_total", "path", "/broadcast", "policy", "drop_newest"))
                    .isEqualTo(stats.droppedNewest());
            assertThat(metrics.sum("wshub_errors_total", "path", "/broadcast", "kind", "write_timeout")).isEqualTo(1);
            assertThat(metrics.sum("wshub_queued_messages", "path", "/broadcast")).isZero();
        }
    }

    @Test
    void metricsPortServesTheMetricsThereAndNowhereElse() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ECHO, Map.of(Setting.METRICS_PORT, 0, Setting.METRICS_PATH, "/prom"));
        URI own = URI.create("http://127.0.0.1:" + fixture.server.metricsPort() + "/prom");
        assertThat(fixture.server.metricsPort()).isNotEqualTo(fixture.server.port());

        assertThat(scrape(own).sum("wshub_sessions", "path", "/echo")).isZero();
        assertThat(get(fixture.http("/prom")).statusCode()).as("on the main port").isEqualTo(404);
        assertThat(get(URI.create("http://127.0.0.1:" + fixture.server.metricsPort() + "/health")).statusCode())
                .as("anything else on the metrics port").isEqualTo(404);
        assertThat(get(fixture.http("/health")).statusCode()).as("the main port's own paths").isEqualTo(200);
    }

    @Test
    void metricsOffServesNothingAndOnlyGetAndHeadAreAnswered() throws Exception {
        try (ServerFixture off = ServerFixture.start(ExampleServer.ECHO, Map.of(Setting.METRICS, false))) {
            assertThat(get(off.http("/metrics")).statusCode()).isEqualTo(404);
        }
        fixture = ServerFixture.start(ExampleServer.ECHO);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(fixture.http("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void metricsSettingsAreCheckedWhenTheServerStarts() {
        assertThat(SettingsLoader.load(null, Map.of("WSHUB_METRICS_PORT", "9100"), Map.of()).metricsPort()).hasValue(9100);
        assertThat(SettingsLoader.load(null, Map.of(), Map.of()).metricsPort()).isEmpty();
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_METRICS_PATH", "metrics"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("WSHUB_METRICS_PATH: expected a path such as /metrics, was 'metrics'");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_PORT", "9100", "WSHUB_METRICS_PORT", "9100"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metricsPort must differ from port");
        assertThatThrownBy(() -> ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.METRICS_PATH, "/ws")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metricsPath /ws is taken");
    }

    private TestClient welcomed(String id) throws Exception {
        TestClient c = fixture.connect("/ws?id=" + id);
        c.nextText();
        return c;
    }

    /** A peer that completes the upgrade and then never reads, with a receive buffer as small as the OS allows. */
    private Socket stalledReader(String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), (int) WAIT.toMillis());
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private void awaitMetric(ToDoubleFunction<PrometheusText> value, double expected) {
        await().atMost(WAIT).until(() -> value.applyAsDouble(scrape(fixture.http("/metrics"))) == expected);
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    /** GETs the metrics, checks the status and content type, and parses them: a malformed line fails here. */
    private static PrometheusText scrape(URI uri) throws Exception {
        HttpResponse<String> response = get(uri);
        assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type.replace(" ", "").toLowerCase()).startsWith("text/plain;version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
