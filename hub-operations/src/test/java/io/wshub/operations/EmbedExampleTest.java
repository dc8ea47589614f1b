package io.wshub.operations;

import io.wshub.Hub;
import io.wshub.jetty.ShownCode;
import io.wshub.jetty.TestClient;
import io.wshub.jetty.WshubHandler;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "embed in your Jetty server" example compiles, works, and is the code shown. */
class EmbedExampleTest {

    // README:begin
    static Server startChat(int port, Handler yourApplicationHandler) throws Exception {
        Server server = new Server(port);

        Hub chat = Hub.builder()
                .handler(RoomProtocol.router().build())
                .build();

        WshubHandler wshub = WshubHandler.builder(server)
                .mount("/ws", chat)    // WebSocket upgrades to /ws become chat sessions
                .build();
        OperationsHandler operations = OperationsHandler.builder(wshub.hubs())
                .health("/health")     // JSON health and probes for your load balancer
                .build();

        // Everything that is not /ws or /health goes on to your handler, on the same port.
        server.setHandler(new Handler.Sequence(wshub, operations, yourApplicationHandler));
        server.start();
        return server;
    }
    // README:end

    @Test
    void theHubAndAnUnrelatedHandlerShareOnePort() throws Exception {
        Handler hello = new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("hello from the app".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        Server server = startChat(0, hello);
        WebSocketClient ws = TestClient.newJettyClient();
        try {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/anything"))
                    .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("hello from the app");

            TestClient alice = TestClient.connect(ws, URI.create("ws://127.0.0.1:" + port + "/ws?id=alice"));
            assertThat(alice.nextText()).contains("\"type\":\"welcome\"", "\"id\":\"alice\"");

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"sessions\":1");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        } finally {
            ws.stop();
            server.stop();
        }
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws Exception {
        ShownCode.assertShown(Path.of("src/test/java/io/wshub/operations/EmbedExampleTest.java"), "README",
                Path.of("../README.md"), "static Server startChat");
    }
}
