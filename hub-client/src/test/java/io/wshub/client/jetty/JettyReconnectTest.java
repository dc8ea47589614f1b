package io.wshub.client.jetty;

import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.ReconnectingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client over Jetty across a server restart on the same port, and what close() leaves behind. */
class JettyReconnectTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ClientOptions QUICK = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(200)).build();

    @RegisterExtension
    final BareServer server = new BareServer();


    @Test
    void messagesSentWhileTheServerIsDownArriveInOrderAfterItComesBack() throws Exception {
        try (ReconnectingClient client = WsHubClient.builder(server.uri("/echo").toString()).options(QUICK).connect()) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            server.stop();
            await().atMost(WAIT).until(() -> client.state() == ClientState.RECONNECTING);

            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sent.add(client.sendText("offline-" + i));
            }
            assertThat(sent).noneMatch(CompletableFuture::isDone);
            server.start();

            CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<String> echoed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                echoed.add(client.receive(WAIT).orElseThrow().text());
            }
            assertThat(echoed).containsExactly("offline-0", "offline-1", "offline-2", "offline-3", "offline-4",
                    "offline-5", "offline-6", "offline-7", "offline-8", "offline-9");
            assertThat(client.receive(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void closeDuringReconnectingStopsEverythingAndLeavesNoThreadBehind() throws Exception {
        ClientThreads threads = new ClientThreads();
        ReconnectingClient client = WsHubClient.builder(server.uri("/echo").toString()).options(QUICK).connect();
        client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(threads.started()).isNotEmpty();
        server.stop();
        await().atMost(WAIT).until(() -> client.state() == ClientState.RECONNECTING);
        CompletableFuture<Void> buffered = client.sendText("never sent");

        client.close();

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(buffered).isCompletedExceptionally();
        await().atMost(WAIT).untilAsserted(() -> assertThat(threads.started()).isEmpty());
    }

    @Test
    void closeWhenOpenEndsTheConnectionCleanlyAndReleasesTheThreads() throws Exception {
        ClientThreads threads = new ClientThreads();
        ReconnectingClient client = WsHubClient.builder(server.uri("/echo").toString()).options(QUICK).connect();
        client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        client.close();

        assertThat(threads.started()).isEmpty(); // already when close() returns
    }

    @Test
    void closeFromTheClientsOwnMessageHandlerReleasesTheThreadsRightAfter() throws Exception {
        ClientThreads threads = new ClientThreads();
        ReconnectingClient[] self = new ReconnectingClient[1];
        self[0] = WsHubClient.builder(server.uri("/echo").toString()).options(QUICK)
                .onMessage(frame -> self[0].close()) // on a Jetty thread: the stop must go on elsewhere
                .connect();

        self[0].sendText("close yourself");

        await().atMost(WAIT).until(() -> self[0].state() == ClientState.CLOSED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(threads.started()).isEmpty());
    }

    @Test
    void manyClientsShareOneTransport() throws Exception {
        ClientThreads threads = new ClientThreads();
        JettyClientTransport transport = JettyClientTransport.create();
        List<ReconnectingClient> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(ReconnectingClient.builder(transport).url(server.uri("/echo")).options(QUICK).connect());
        }
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).sendText("client-" + i);
        }
        for (int i = 0; i < clients.size(); i++) {
            assertThat(clients.get(i).receive(WAIT).orElseThrow().text()).isEqualTo("client-" + i);
        }
        assertThat(threads.started()).hasSizeLessThanOrEqualTo(17); // the pool's 16 and the timer

        clients.forEach(ReconnectingClient::close);
        assertThat(clients).allMatch(c -> c.state() == ClientState.CLOSED);
        transport.close();
        await().atMost(WAIT).untilAsserted(() -> assertThat(threads.started()).isEmpty());
    }
}
