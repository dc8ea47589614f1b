package io.wshub.client.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wshub.HistoryLimits;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.ConnectFailedException;
import io.wshub.client.ConnectionLostException;
import io.wshub.client.Receipt;
import io.wshub.client.RecoveryListener;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.RecordingClientListener;
import io.wshub.testing.RecordingRecoveryListener;
import io.wshub.testing.TcpProxy;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The room client over real sockets against a hub with history and resume on, through a TCP proxy
 * that cuts its connection mid-stream (a reset, no close frame: the server holds the session) and
 * is restarted: every room message reaches the application once and in order, every message it
 * sent reaches the room once and in order, and each send's future completes with the server's ack.
 */
class DeliveryAcrossCutsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientOptions QUICK = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(300)).build();
    private static final int MESSAGES = 300;

    private final JettyHub server = new JettyHub(() -> Hub.builder()
            .options(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(Duration.ofSeconds(60))
                    .rateLimit(RateLimit.UNLIMITED) // both members send 300 at once; the limit is not the subject here
                    .shutdownGrace(Duration.ofSeconds(1)).build())
            .handler(RoomProtocol.router().build())
            .build());
    private final RecordingRecoveryListener recovery = new RecordingRecoveryListener();
    private final RecordingClientListener meEvents = new RecordingClientListener();
    private JettyClientTransport transport;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws Exception {
        server.start();
        proxy = TcpProxy.to(server.port());
        transport = JettyClientTransport.create();
    }

    @AfterEach
    void stop() throws Exception {
        transport.close();
        proxy.close();
        server.close();
    }

    /** A room client whose handler keeps the contents of the room messages it gets from {@code from}. */
    private RoomClient member(String url, List<String> heard, String from, RecoveryListener recovery) throws Exception {
        ReconnectingClient.Builder builder = ReconnectingClient.builder(transport).url(url).options(QUICK)
                .onMessage(frame -> {
                    JsonNode m = parse(frame.text());
                    if (m.path("type").asText().equals("room_message") && m.path("from").asText().equals(from)) {
                        heard.add(m.path("content").asText());
                    }
                });
        if (url.contains("id=me")) {
            builder.listener(meEvents);
        }
        RoomClient member = RoomClient.connect(builder, recovery);
        member.join("lobby").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return member;
    }

    /** How many times me has become open. */
    private long opens() {
        return meEvents.states().stream().filter(s -> s == ClientState.OPEN).count();
    }

    /** Waits for the condition; if it does not come, the error says what me's client went through. */
    private void awaitWithEvents(String what, Callable<Boolean> condition) {
        try {
            await(what).atMost(WAIT).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " did not come within " + WAIT + "; me's states " + meEvents.states()
                    + ", its failures " + meEvents.failures(), e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void acrossCutsAndAProxyRestartEveryMessageArrivesOnceInOrderBothWaysAndEachSendIsAcknowledged() throws Exception {
        List<String> meHeard = new CopyOnWriteArrayList<>();
        List<String> bobHeard = new CopyOnWriteArrayList<>();
        try (RoomClient bob = member(server.uri() + "?id=bob", bobHeard, "me", RecoveryListener.NONE);
             RoomClient me = member(proxy.uri("ws", "/ws?id=me").toString(), meHeard, "bob", recovery)) {
            List<String> expected = new ArrayList<>();
            List<CompletableFuture<Receipt>> meSent = new ArrayList<>();
            List<CompletableFuture<Receipt>> bobSent = new ArrayList<>();
            long opensBeforeCut = 0;
            for (int i = 1; i <= MESSAGES; i++) {
                expected.add(Integer.toString(i));
                bobSent.add(bob.send("lobby", Integer.toString(i)));
                meSent.add(me.send("lobby", Integer.toString(i)));
                if (i % 60 == 0) {
                    long before = opensBeforeCut;
                    awaitWithEvents("a connection newer than the last cut",
                            () -> opens() > before && me.client().state() == ClientState.OPEN);
                    opensBeforeCut = opens();
                    proxy.cut(); // mid-stream: sends of both sides are on their way
                }
                if (i == 150) {
                    proxy.stop();
                    awaitWithEvents("an attempt refused while the proxy is down", () -> meEvents.failures().stream()
                            .anyMatch(f -> f.cause() instanceof ConnectFailedException));
                    proxy.start();
                }
            }

            for (CompletableFuture<Receipt> sent : meSent) {
                assertThat(sent.get(WAIT.toSeconds(), TimeUnit.SECONDS).acknowledged()).isTrue();
            }
            for (CompletableFuture<Receipt> sent : bobSent) {
                sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            await().atMost(WAIT).until(() -> meHeard.size() >= MESSAGES && bobHeard.size() >= MESSAGES);
            awaitWithEvents("back after the last cut", () -> opens() >= 1 + MESSAGES / 60
                    && me.client().state() == ClientState.OPEN);

            assertThat(meHeard).as("bob's messages, as me's application got them").containsExactlyElementsOf(expected);
            assertThat(bobHeard).as("me's messages, as the room got them").containsExactlyElementsOf(expected);
            assertThat(meSent.stream().map(f -> f.join().seq().getAsLong()).toList()).as("seqs in send order").isSorted();
            assertThat(recovery.heard()).isNotEmpty().allMatch(r -> r.endsWith(":true"));
            assertThat(meEvents.failures().stream().filter(f -> f.cause() instanceof ConnectionLostException).count())
                    .as("connections cut").isGreaterThanOrEqualTo(MESSAGES / 60);
            assertThat(me.client().state()).as("what me went through: %s", meEvents.failures()).isEqualTo(ClientState.OPEN);
            assertThat(server.hub().rooms().members("lobby")).containsExactlyInAnyOrder("bob", "me");
        }
    }
}
