package io.wshub.redis;

import io.wshub.HealthCheck;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.Message;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Admission;
import io.wshub.spi.MetricsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker's health checks (a {@code PING}, the canary through its own subscription, having
 * joined the cluster), its startup timeout, and the publish and canary events for the metrics.
 */
class BrokerHealthTest {

    private static final Duration WAIT = TestNode.WAIT;
    private static final Duration CANARY_TIMEOUT = Duration.ofMillis(500);

    private RedisServer redis;
    private RedisProxy proxy;
    private final List<Hub> hubs = new ArrayList<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final MetricsListener recorder = new MetricsListener() {
        @Override
        public void brokerPublished(boolean succeeded) {
            heard.add("published " + succeeded);
        }

        @Override
        public void brokerCanaryAnswered(long roundTripNanos) {
            heard.add(roundTripNanos > 0 ? "canary" : "canary without a round trip");
        }
    };

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        proxy = RedisProxy.to(redis.port());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (Hub h : hubs) {
                h.shutdown(Duration.ZERO).get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } finally {
            proxy.close();
            redis.close();
        }
    }

    /** A broker with short timings: canaries every 100 ms, back within 500 ms. */
    static RedisBrokerOptions.Builder options(String uri) {
        return RedisBrokerOptions.builder(uri).nodeId("n1").keyPrefix(TestNode.freshPrefix())
                .refreshInterval(TestNode.REFRESH).expiry(TestNode.EXPIRY).commandTimeout(TestNode.COMMAND_TIMEOUT)
                .canaryInterval(Duration.ofMillis(100)).canaryTimeout(CANARY_TIMEOUT);
    }

    private RedisBroker node(RedisBrokerOptions options) {
        RedisBroker broker = new RedisBroker(options);
        hubs.add(Hub.builder().handler(RoomProtocol.router().build()).broker(broker).metrics(recorder).build());
        return broker;
    }

    private static HealthCheck.Result check(HealthCheck check) throws Exception {
        return check.check();
    }

    @Test
    void thePingCheckPassesWhileRedisAnswersAndFailsWhileRedisIsFrozen() throws Exception {
        RedisBroker broker = node(options(redis.uri()).build());
        await().atMost(WAIT).until(broker::isUp);

        HealthCheck.Result up = check(broker.pingCheck());
        assertThat(up.healthy()).isTrue();
        assertThat(up.metadata()).containsKey("roundTripMillis");

        redis.pause();
        try {
            HealthCheck.Result frozen = check(broker.pingCheck());
            assertThat(frozen.healthy()).isFalse();
            assertThat(frozen.error()).isEqualTo("no PONG within 300 ms");
        } finally {
            redis.resume();
        }
    }

    @Test
    void theCanaryTurnsRedWhenTheSubscriptionDeliversNothingWhileRedisStillAnswersPing() throws Exception {
        RedisBroker broker = node(options(proxy.uri()).build());
        await("canary answered").atMost(WAIT).until(() -> check(broker.canaryCheck()).healthy());
        assertThat(check(broker.canaryCheck()).metadata()).containsKeys("roundTripMillis", "answeredMillisAgo");
        assertThat(heard).as("each round trip reaches the metrics").contains("canary");

        proxy.muteSubscriptions();

        await("canary red").atMost(WAIT).until(() -> !check(broker.canaryCheck()).healthy());
        assertThat(check(broker.canaryCheck()).error())
                .startsWith("no canary has come back through the Redis subscription for")
                .endsWith("(bound 500 ms)");
        assertThat(check(broker.pingCheck()).healthy()).as("Redis still answers PING").isTrue();
        assertThat(broker.isUp()).as("the connection check alone stays green").isTrue();
    }

    @Test
    void theCanaryIsRedBeforeTheFirstOneCameBack() throws Exception {
        proxy.blackHole(true);
        RedisBroker broker = node(options(proxy.uri()).build());

        HealthCheck.Result r = check(broker.canaryCheck());

        assertThat(r.healthy()).isFalse();
        assertThat(r.error()).startsWith("no canary has come back through the Redis subscription");
    }

    @Test
    void untilItHasJoinedTheNodeRefusesClientsWith503AndThenTakesThem() throws Exception {
        proxy.blackHole(true);
        RedisBroker broker = node(options(proxy.uri()).startupTimeout(Duration.ofMinutes(1)).build());
        Hub hub = hubs.get(0);

        assertThat(broker.isJoined()).isFalse();
        assertThat(hub.acceptor().admit(upgrade())).isEqualTo(new Admission.Refused(503, "Node is joining its cluster"));
        assertThat(check(broker.joinCheck()).error()).startsWith("joining its cluster for ");

        proxy.blackHole(false);

        await("joined").atMost(WAIT).until(broker::isJoined);
        assertThat(check(broker.joinCheck()).healthy()).isTrue();
        Admission later = hub.acceptor().admit(upgrade());
        assertThat(later).isInstanceOf(Admission.Accepted.class);
        ((Admission.Accepted) later).abandon();
    }

    @Test
    void afterTheStartupTimeoutTheNodeServesDegradedAndLogsWhy() throws Exception {
        proxy.blackHole(true);
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8)); // slf4j-simple writes here
        RedisBroker broker;
        try {
            broker = node(options(proxy.uri()).startupTimeout(Duration.ofMillis(500)).build());
            await("gave up waiting").atMost(WAIT).until(broker::isJoined);
        } finally {
            System.setErr(err);
        }

        Admission admission = hubs.get(0).acceptor().admit(upgrade());
        assertThat(admission).isInstanceOf(Admission.Accepted.class);
        ((Admission.Accepted) admission).abandon();
        HealthCheck.Result join = check(broker.joinCheck());
        assertThat(join.healthy()).as("serving, but not joined").isFalse();
        assertThat(join.error()).startsWith("not joined within the startup timeout of 500 ms (not connected to Redis")
                .endsWith("it serves clients degraded, unseen by the other nodes, and joins when Redis answers");
        assertThat(broker.isUp()).isFalse();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("WARN").contains("node n1 " + join.error());
    }

    @Test
    void eachPublishReportsWhetherItSucceeded() throws Exception {
        RedisBroker broker = node(options(redis.uri()).build());
        await().atMost(WAIT).until(broker::isUp);

        hubs.get(0).broadcast(Message.text("{\"type\":\"broadcast\"}"));
        await("a publish answered").atMost(WAIT).until(() -> heard.contains("published true"));

        redis.kill();
        await("down").atMost(WAIT).until(() -> !broker.isUp());
        hubs.get(0).broadcast(Message.text("{\"type\":\"broadcast\"}"));

        await("a publish failed").atMost(WAIT).until(() -> heard.contains("published false"));
    }

    private static Handshake upgrade() {
        return Handshake.builder().path("/ws").build();
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
