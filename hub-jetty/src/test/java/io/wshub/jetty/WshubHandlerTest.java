package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mounting hubs in a Jetty server: routing and shutdown wiring. */
class WshubHandlerTest {

    private final Hub chat = Hub.builder().handler(RoomProtocol.router().build())
            .options(HubOptions.builder().shutdownGrace(Duration.ofSeconds(5)).build()).build();
    private final Hub echo = Hub.builder().handler(new RawEchoHandler()).build();
    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;
    private WebSocketClient client;

    private void start() throws Exception {
        server = TestServer.start(s -> WshubHandler.builder(s).mount("/ws", chat).mount("/echo", echo).build());
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
    }

    private HttpResponse<String> get(String path, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachPathReachesItsOwnHub() throws Exception {
        start();
        TestClient room = TestClient.connect(client, server.ws("/ws"));
        TestClient raw = TestClient.connect(client, server.ws("/echo"));
        assertThat(room.nextText()).contains("\"type\":\"welcome\"");
        raw.sendText("ping?");
        assertThat(raw.nextText()).isEqualTo("ping?");
        assertThat(chat.sessionCount()).isEqualTo(1);
        assertThat(echo.sessionCount()).isEqualTo(1);
    }

    @Test
    void aPlainRequestToAHubPathFallsThroughToTheNextHandler() throws Exception {
        start();
        assertThat(get("/ws", "GET").statusCode()).isEqualTo(404);
        assertThat(get("/elsewhere", "GET").statusCode()).isEqualTo(404);
    }

    @Test
    void stoppingTheServerShutsTheHubsDownGracefullyFirst() throws Exception {
        start();
        TestClient alice = TestClient.connect(client, server.ws("/ws"));
        alice.nextText();
        TestClient raw = TestClient.connect(client, server.ws("/echo"));

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                server.server().stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(alice.nextText()).isEqualTo("{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}");
        assertThat(alice.awaitClose()).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
        assertThat(raw.awaitClose()).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
        raw.expectNoMessage(Duration.ZERO);
        stopped.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(chat.isShuttingDown()).isTrue();
        assertThat(echo.isShuttingDown()).isTrue();
        server = null;
    }

    @Test
    void theHubsShutDownGracefullyWhateverTheServersStopTimeout() throws Exception {
        start();
        TestClient alice = TestClient.connect(client, server.ws("/ws"));
        alice.nextText();
        server.server().setStopTimeout(0);

        server.server().stop();
        server = null;

        assertThat(alice.nextText()).isEqualTo("{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}");
        assertThat(alice.awaitClose()).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
        assertThat(chat.sessionCount()).isZero();
    }

    @Test
    void pathsAreCheckedWhenMounting() {
        Server s = new Server();
        assertThatThrownBy(() -> WshubHandler.builder(s).mount("ws", chat))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path must start with / and have no query, was 'ws'");
        assertThatThrownBy(() -> WshubHandler.builder(s).mount("/ws", chat).mount("/ws", echo))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path /ws is already mounted");
        assertThatThrownBy(() -> WshubHandler.builder(s).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("mount at least one hub");
    }

    @Test
    void jettyOptionsAreValidated() {
        assertThatThrownBy(() -> new JettyOptions(false, 100, 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("inputBufferSize must be >= 512, was 100");
    }
}
