package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With upgrade probes on, a plain GET of a hub's path tells how an upgrade with the same request
 * would be decided (what a browser cannot learn from its WebSocket API), and changes nothing.
 */
class UpgradeProbeTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TestClient.TIMEOUT).build();
    private TestServer server;
    private WebSocketClient jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        server.close();
    }

    private void start(boolean probes) throws Exception {
        Hub hub = Hub.builder().handler(RoomProtocol.router().build()).build();
        Handler notFound = new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  org.eclipse.jetty.util.Callback callback) {
                return false;
            }
        };
        server = TestServer.start(s -> new Handler.Sequence(
                WshubHandler.builder(s).mount("/ws", hub).upgradeProbes(probes).build(), notFound));
        jetty = TestClient.newJettyClient();
    }

    private HttpResponse<String> probe(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http(pathAndQuery)).timeout(TestClient.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTakenIdIs409AndAFreeOne426WithoutReservingIt() throws Exception {
        start(true);
        TestClient alice = TestClient.connect(jetty, server.ws("/ws?id=alice"));
        alice.nextText(); // the welcome: alice is in

        HttpResponse<String> taken = probe("/ws?id=alice");
        HttpResponse<String> free = probe("/ws?id=bob");

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("Session id taken");
        assertThat(free.statusCode()).isEqualTo(426);
        assertThat(free.headers().firstValue("Upgrade")).hasValue("websocket");
        assertThat(free.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        TestClient bob = TestClient.connect(jetty, server.ws("/ws?id=bob")); // the probe kept nothing
        assertThat(bob.nextText()).contains("\"id\":\"bob\"");
        assertThat(probe("/ws?id=no%20spaces").statusCode()).isEqualTo(400);
    }

    @Test
    void withoutProbesAPlainRequestGoesOnToTheNextHandler() throws Exception {
        start(false);

        assertThat(probe("/ws?id=alice").statusCode()).isEqualTo(404);
    }
}
