package io.wshub.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wshub.Hub;
import io.wshub.jetty.TestClient;
import io.wshub.jetty.TestServer;
import io.wshub.jetty.WshubHandler;
import io.wshub.operations.OperationsHandler;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Broker.BreakerCall;
import io.wshub.spi.Broker.BreakerState;
import io.wshub.spi.MetricsListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.wshub.redis.ReadinessProbeTest.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The circuit breaker around the Redis calls that wait, on two Jetty nodes with the delivery
 * guarantees and the Redis store: a frozen Redis (the process stopped, its sockets open) trips it,
 * upgrades, resumes and recovering joins are then answered without a call to Redis, {@code /health}
 * names the open breaker, and once Redis is thawed the breaker closes by itself and cross-node
 * delivery, resume and recovery work again.
 */
class RedisBreakerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = TestNode.WAIT;
    /** Long enough for the test's look at the open breaker, short enough to close soon after the thaw. */
    private static final Duration OPEN_DURATION = Duration.ofSeconds(3);
    private static final RedisBrokerOptions.Breaker BREAKER = new RedisBrokerOptions.Breaker(50, Duration.ofMillis(200),
            50, 2, Duration.ofSeconds(30), OPEN_DURATION, 1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    /** What node a's hub heard of its breaker, in order. */
    private final Queue<BreakerState> states = new ConcurrentLinkedQueue<>();
    private final Queue<BreakerCall> calls = new ConcurrentLinkedQueue<>();
    private final List<TestServer> servers = new ArrayList<>();
    private RedisServer redis;
    private WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        client = TestClient.newJettyClient();
        String prefix = TestNode.freshPrefix();
        MetricsListener recorder = new MetricsListener() {
            @Override
            public void brokerBreakerState(String breaker, BreakerState state) {
                assertThat(breaker).isEqualTo("redis");
                states.add(state);
            }

            @Override
            public void brokerBreakerCall(String breaker, BreakerCall outcome) {
                calls.add(outcome);
            }
        };
        for (String id : List.of("a", "b")) {
            RedisBroker broker = new RedisBroker(RedisBrokerOptions.builder(redis.uri()).nodeId(id).keyPrefix(prefix)
                    .refreshInterval(TestNode.REFRESH).expiry(TestNode.EXPIRY).commandTimeout(TestNode.COMMAND_TIMEOUT)
                    .canaryInterval(Duration.ofMillis(100)).breaker(BREAKER).build());
            Hub hub = Hub.builder().options(TestNode.guarantees()).handler(RoomProtocol.router().build()).broker(broker)
                    .deliveryStore(broker.deliveryStore(TestNode.guarantees()))
                    .metrics(id.equals("a") ? recorder : MetricsListener.NONE).build();
            servers.add(TestServer.start(s -> {
                WshubHandler wshub = WshubHandler.builder(s).mount("/ws", hub).build();
                OperationsHandler operations = OperationsHandler.builder(wshub.hubs()).health("/health").build();
                operations.healthChecks().add("breaker:redis:/ws", Duration.ofSeconds(1), broker.breakerCheck());
                wshub.setHandler(operations);
                return wshub;
            }));
            await(id + " up").atMost(WAIT).until(() -> hub.stats().brokerUp());
        }
    }

    @AfterEach
    void stop() throws Exception {
        try {
            redis.resume(); // a failed test must not leave it stopped
        } finally {
            for (TestServer s : servers) {
                s.close();
            }
            client.stop();
            redis.close();
        }
    }

    @Test
    void aFrozenRedisTripsTheBreakerUpgradesStopWaitingHealthNamesItAndAThawClosesItByItself() throws Exception {
        TestClient bob = join(1, "bob");
        TestClient alice = join(0, "alice");
        assertCrossNodeDelivery(alice, bob, "before");
        assertThat(states).containsExactly(BreakerState.CLOSED);

        redis.pause(); // SIGSTOP: the sockets stay open, nothing answers

        // Each claim waits up to the command timeout and fails; two of them open the breaker.
        for (int i = 0; i < 2; i++) {
            assertThat(connect(0, "waited" + i).nextText()).contains("\"welcome\"");
        }
        await("the breaker opened").atMost(WAIT).until(() -> states.contains(BreakerState.OPEN));
        long refusedBefore = count(BreakerCall.NOT_PERMITTED);
        TestClient quick = connect(0, "quick");
        assertThat(quick.nextText()).as("accepted on the node's own word").contains("\"welcome\"");
        assertThat(count(BreakerCall.NOT_PERMITTED)).as("its claim was refused at once, never sent to Redis")
                .isEqualTo(refusedBefore + 1);

        JsonNode check = check(health(), "breaker:redis:/ws");
        assertThat(check.path("status").asText()).isEqualTo("down");
        assertThat(check.path("error").asText()).startsWith("circuit breaker redis is OPEN");
        assertThat(check.path("metadata").path("breaker").asText()).isEqualTo("redis");
        assertThat(check.path("metadata").path("state").asText()).isEqualTo("OPEN");

        redis.resume();

        await("the breaker closed by itself").atMost(WAIT)
                .until(() -> "up".equals(check(health(), "breaker:redis:/ws").path("status").asText()));
        assertThat(states).containsSubsequence(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
        assertThat(check(health(), "breaker:redis:/ws").path("metadata").path("state").asText()).isEqualTo("CLOSED");
        await("cross-node delivery resumes").atMost(WAIT).untilAsserted(() -> assertCrossNodeDelivery(alice, bob, "after"));
    }

    @Test
    void whileTheBreakerIsOpenAResumeIsAFreshSessionAndAJoinWithSinceIsNotRecoveredAtOnceAndBothWorkAfterTheThaw()
            throws Exception {
        TestClient carol = connect(1, "carol"); // on node b; a resume on node a takes her session over
        String token = JSON.readTree(nextOfType(carol, "welcome", WAIT)).path("resume").asText();
        TestClient bob = join(1, "bob");
        TestClient alice = connect(0, "alice");
        nextOfType(alice, "welcome", WAIT);
        alice.sendText("{\"type\":\"join_room\",\"room\":\"r\"}");
        JsonNode position = JSON.readTree(nextOfType(alice, "room_joined", WAIT));
        String since = "{\"seq\":" + position.path("seq").asLong() + ",\"epoch\":\"" + position.path("epoch").asText() + "\"}";
        assertCrossNodeDelivery(alice, bob, "before"); // after the position: a recovering join replays it

        redis.pause();
        for (int i = 0; i < 2; i++) {
            assertThat(connect(0, "waited" + i).nextText()).contains("\"welcome\"");
        }
        await("the breaker opened").atMost(WAIT).until(() -> states.contains(BreakerState.OPEN));

        long refusedBefore = count(BreakerCall.NOT_PERMITTED);
        TestClient fresh = resume(0, token);
        JsonNode welcome = JSON.readTree(nextOfType(fresh, "welcome", WAIT));
        assertThat(welcome.path("resumed").asBoolean()).as("the take-over refused: a fresh session").isFalse();
        assertThat(count(BreakerCall.NOT_PERMITTED)).as("the take-over and the new id's claim refused at once, never sent")
                .isEqualTo(refusedBefore + 2);
        fresh.sendText("{\"type\":\"join_room\",\"room\":\"r\",\"since\":" + since + "}");
        JsonNode joined = JSON.readTree(nextOfType(fresh, "room_joined", WAIT));
        assertThat(joined.path("recovered").asBoolean(true)).as("%s", joined).isFalse();
        assertThat(count(BreakerCall.NOT_PERMITTED)).as("the history read refused at once").isEqualTo(refusedBefore + 3);

        redis.resume();

        await("the breaker closed by itself").atMost(WAIT)
                .until(() -> "up".equals(check(health(), "breaker:redis:/ws").path("status").asText()));
        TestClient back = resume(0, token);
        JsonNode resumed = JSON.readTree(nextOfType(back, "welcome", WAIT));
        assertThat(resumed.path("resumed").asBoolean()).as("%s", resumed).isTrue();
        assertThat(resumed.path("id").asText()).isEqualTo("carol");
        back.sendText("{\"type\":\"join_room\",\"room\":\"r\",\"since\":" + since + "}");
        JsonNode recovered = JSON.readTree(nextOfType(back, "room_joined", WAIT));
        assertThat(recovered.path("recovered").asBoolean()).as("%s", recovered).isTrue();
        await("cross-node delivery resumes").atMost(WAIT).untilAsserted(() -> assertCrossNodeDelivery(alice, bob, "after"));
    }

    /** Alice's room message reaches bob on the other node. */
    private static void assertCrossNodeDelivery(TestClient alice, TestClient bob, String content) throws Exception {
        alice.sendText("{\"type\":\"room_message\",\"room\":\"r\",\"content\":\"" + content + "\"}");
        JsonNode m = JSON.readTree(nextOfType(bob, "room_message", Duration.ofSeconds(1)));
        assertThat(m.path("content").asText()).isEqualTo(content);
        assertThat(m.path("from").asText()).isEqualTo("alice");
    }

    private TestClient join(int node, String id) throws Exception {
        TestClient c = connect(node, id);
        nextOfType(c, "welcome", WAIT);
        c.sendText("{\"type\":\"join_room\",\"room\":\"r\"}");
        nextOfType(c, "room_joined", WAIT);
        return c;
    }

    private TestClient resume(int node, String token) throws Exception {
        return TestClient.connect(client, servers.get(node).ws("/ws?resume=" + token));
    }

    private TestClient connect(int node, String id) throws Exception {
        return TestClient.connect(client, servers.get(node).ws("/ws?id=" + id));
    }

    /** The next text of this type, skipping others; fails when none comes within the timeout. */
    private static String nextOfType(TestClient c, String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            TestClient.Received r = c.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (r != null && r.isText() && JSON.readTree(r.text()).path("type").asText().equals(type)) {
                return r.text();
            }
        }
        throw new AssertionError("no " + type + " within " + timeout.toMillis() + " ms");
    }

    private long count(BreakerCall outcome) {
        return calls.stream().filter(outcome::equals).count();
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(servers.get(0).http("/health")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
