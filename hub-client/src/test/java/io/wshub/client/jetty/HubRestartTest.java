package io.wshub.client.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wshub.Message;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.Receipt;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reconnecting client against a real wshub room hub in Jetty that is stopped and started again
 * on the same port: it reconnects, joins its rooms again, and every message sent during the outage
 * arrives once, in order, after the reconnect.
 */
class HubRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientOptions QUICK = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(300)).build();

    private final JettyHub server = new JettyHub();
    private JettyClientTransport transport;

    @BeforeEach
    void start() throws Exception {
        server.start();
        transport = JettyClientTransport.create();
    }

    @AfterEach
    void stop() throws Exception {
        transport.close();
        server.close();
    }

    /** The content of every room_message this client receives, in order. */
    private static BlockingQueue<String> roomMessagesOf(ReconnectingClient.Builder builder) {
        BlockingQueue<String> contents = new LinkedBlockingQueue<>();
        builder.onMessage(frame -> {
            JsonNode message = parse(frame);
            if ("room_message".equals(message.path("type").asText())) {
                contents.add(message.path("content").asText());
            }
        });
        return contents;
    }

    private static JsonNode parse(Message frame) {
        try {
            return JSON.readTree(frame.text());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + frame.text(), e);
        }
    }

    private static String next(BlockingQueue<String> queue) throws InterruptedException {
        String next = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next).as("a room message within %s", WAIT).isNotNull();
        return next;
    }

    @Test
    void theClientReconnectsRejoinsItsRoomAndDeliversWhatWasSentDuringTheOutageOnceInOrder() throws Exception {
        ReconnectingClient.Builder receiverBuilder = ReconnectingClient.builder(transport).url(server.uri()).options(QUICK);
        BlockingQueue<String> received = roomMessagesOf(receiverBuilder);
        RoomClient receiver = RoomClient.connect(receiverBuilder);
        receiver.join("lobby").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // The sender's buffered messages must find the receiver in the room again: its restore
        // waits for the receiver's, which the client reports as OPEN only once re-joined.
        AtomicReference<CompletableFuture<Void>> receiverBack = new AtomicReference<>(CompletableFuture.completedFuture(null));
        RoomClient sender = RoomClient.connect(ReconnectingClient.builder(transport).url(server.uri()).options(QUICK)
                .onMessage(frame -> { })
                .restoreHook(context -> receiverBack.get()));
        sender.join("lobby").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        sender.send("lobby", "before").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(next(received)).isEqualTo("before");

        server.stop();
        await().atMost(WAIT).until(() -> sender.client().state() == ClientState.RECONNECTING
                && receiver.client().state() == ClientState.RECONNECTING);
        receiverBack.set(receiver.client().whenOpen());
        List<CompletableFuture<Receipt>> duringOutage = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            duringOutage.add(sender.send("lobby", "outage-" + i));
        }
        assertThat(duringOutage).noneMatch(CompletableFuture::isDone);
        server.start();

        CompletableFuture.allOf(duringOutage.toArray(CompletableFuture<?>[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        sender.send("lobby", "after").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<String> afterRestart = new ArrayList<>();
        for (String m = next(received); ; m = next(received)) {
            afterRestart.add(m);
            if (m.equals("after")) {
                break;
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("outage-" + i);
        }
        expected.add("after");
        assertThat(afterRestart).containsExactlyElementsOf(expected);
        assertThat(server.hub().rooms().members("lobby")).hasSize(2);

        sender.close();
        receiver.close();
    }
}
