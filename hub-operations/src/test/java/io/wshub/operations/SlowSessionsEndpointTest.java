package io.wshub.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.Hub;
import io.wshub.Message;
import io.wshub.Session;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The admin endpoint: the sessions furthest behind, behind a bearer token, {@code ?n=} bounded. */
class SlowSessionsEndpointTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "s3cret-token";

    private final Hub hub = Hub.builder().build();
    private final InMemoryTransport transport = new InMemoryTransport(hub.acceptor());
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<InMemoryClient> clients = new ArrayList<>();
    private OperationsServer server;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(InMemoryClient::resumeReading);
        if (server != null) {
            server.close();
        } else {
            hub.shutdown(Duration.ZERO);
        }
    }

    private void start(boolean withToken) throws Exception {
        server = OperationsServer.start(Map.of("/ws", hub),
                b -> withToken ? b.admin("/admin/sessions", TOKEN) : b.adminWithoutToken("/admin/sessions"));
    }

    /** A session whose reader stopped, with these many messages of this size queued behind the one in flight. */
    private void behind(String id, int messages, int bytesEach) {
        InMemoryClient c = transport.connect(id);
        clients.add(c);
        c.pauseReading();
        Session s = hub.session(id).orElseThrow();
        s.send(Message.text("first, in flight"));
        for (int i = 0; i < messages; i++) {
            s.send(Message.text("x".repeat(bytesEach)));
        }
        await().atMost(TIMEOUT).until(() -> s.stats().queuedMessages() == messages);
    }

    private HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.http(pathAndQuery)).timeout(TIMEOUT);
        headers.forEach(r::header);
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> getAuthorized(String pathAndQuery) throws Exception {
        return get(pathAndQuery, Map.of("Authorization", "Bearer " + TOKEN));
    }

    @Test
    void withoutTheRightTokenTheEndpointAnswers401() throws Exception {
        start(true);

        HttpResponse<String> none = get("/admin/sessions", Map.of());
        HttpResponse<String> wrong = get("/admin/sessions", Map.of("Authorization", "Bearer s3cret-tokem"));
        HttpResponse<String> basic = get("/admin/sessions", Map.of("Authorization", "Basic " + TOKEN));

        for (HttpResponse<String> r : List.of(none, wrong, basic)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"wshub-admin\"");
            assertThat(r.body()).doesNotContain("sessions\"");
        }
        assertThat(get("/admin/sessions", Map.of("Authorization", "bearer " + TOKEN)).statusCode())
                .as("the scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void sessionsAreListedMostQueuedBytesFirstThenMostQueuedMessages() throws Exception {
        start(true);
        behind("a", 3, 100);   // 300 bytes, 3 messages
        behind("b", 2, 1_000); // 2000 bytes
        behind("c", 6, 50);    // 300 bytes, 6 messages
        clients.add(transport.connect("d")); // keeps up

        HttpResponse<String> response = getAuthorized("/admin/sessions");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("sessionsSeen").asInt()).isEqualTo(4);
        List<String> ids = new ArrayList<>();
        body.get("sessions").forEach(s -> ids.add(s.get("id").asText()));
        assertThat(ids).containsExactly("b", "c", "a", "d");
        JsonNode b = body.get("sessions").get(0);
        assertThat(b.get("hub").asText()).isEqualTo("/ws");
        assertThat(b.get("queuedMessages").asInt()).isEqualTo(2);
        assertThat(b.get("queuedBytes").asLong()).isEqualTo(2_000);
        assertThat(b.get("dropped").asLong()).isZero();
        assertThat(b.get("remoteAddress").asText()).matches(".+:\\d+");
        assertThat(b.get("rooms").isArray()).isTrue();
        assertThat(b.get("connectedForMillis").asLong()).isNotNegative();
        assertThat(b.get("oldestQueuedMillis").asLong()).as("how long its oldest queued message has waited").isNotNegative();
    }

    @Test
    void nBoundsTheListAndABadNIsRefusedWith400() throws Exception {
        start(true);
        behind("a", 1, 10);
        behind("b", 2, 10);
        hub.rooms().join(hub.session("b").orElseThrow(), "lobby");

        JsonNode one = JSON.readTree(getAuthorized("/admin/sessions?n=1").body());
        assertThat(one.get("sessions")).hasSize(1);
        assertThat(one.get("sessions").get(0).get("id").asText()).isEqualTo("b");
        assertThat(one.get("sessions").get(0).get("rooms").toString()).isEqualTo("[\"lobby\"]");
        assertThat(JSON.readTree(getAuthorized("/admin/sessions?n=1000").body()).get("sessions")).hasSize(2);
        for (String bad : List.of("0", "1001", "-1", "abc", "1e3", "99999999999", "", "1&n=2")) {
            HttpResponse<String> r = getAuthorized("/admin/sessions?n=" + bad);
            assertThat(r.statusCode()).as("n=" + bad).isEqualTo(400);
            assertThat(r.body()).contains("n must be given at most once, as a whole number from 1 to 1000");
        }
    }

    @Test
    void onlyReadsAreAnswered() throws Exception {
        start(true);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.http("/admin/sessions"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void withoutATokenItAnswersAnyone() throws Exception {
        start(false);
        behind("a", 1, 10);

        HttpResponse<String> r = get("/admin/sessions", Map.of());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("sessions").get(0).get("id").asText()).isEqualTo("a");
    }

    @Test
    void aBlankTokenIsRefusedWhenBuilding() {
        assertThatThrownBy(() -> OperationsHandler.builder(Map.of("/ws", hub)).admin("/admin", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the admin token must not be blank");
        assertThatThrownBy(() -> OperationsHandler.builder(Map.of("/ws", hub)).admin("/admin", null))
                .isInstanceOf(NullPointerException.class);
    }
}
