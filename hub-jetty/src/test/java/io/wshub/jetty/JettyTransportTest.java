package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.HubOptions;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.testkit.KitClient;
import io.wshub.testkit.KitServer;
import io.wshub.testkit.KitUpgradeRefused;
import io.wshub.testkit.TransportTestKit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The Jetty adapter keeps every promise of the transport SPI, over real sockets. */
class JettyTransportTest extends TransportTestKit {

    @Override
    protected KitServer startServer(ConnectionAcceptor acceptor) throws Exception {
        TestServer server = TestServer.start(s -> new WebSocketUpgradeHandler(handler ->
                handler.addMapping("/ws", new HubNegotiator(acceptor, HubOptions.defaults(), JettyOptions.DEFAULTS))));
        WebSocketClient client = TestClient.newJettyClient();
        return new KitServer() {
            @Override
            public KitClient connect(Map<String, String> headers, Map<String, String> query) throws Exception {
                String q = query.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&"));
                try {
                    return new Client(TestClient.connect(client, server.ws(q.isEmpty() ? "/ws" : "/ws?" + q), headers));
                } catch (TestClient.Refused e) {
                    throw new KitUpgradeRefused(e.status(), e);
                }
            }

            @Override
            public void close() throws Exception {
                client.stop();
                server.close();
            }
        };
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private record Client(TestClient client) implements KitClient {
        @Override
        public void sendText(String text) throws Exception {
            client.sendText(text);
        }

        @Override
        public void sendBinary(byte[] data) throws Exception {
            client.sendBinary(data);
        }

        @Override
        public Received next(Duration timeout) throws Exception {
            TestClient.Received m = client.next(timeout);
            return new Received(m.text(), m.binary());
        }

        @Override
        public void close(int code, String reason) {
            client.close(code, reason);
        }

        @Override
        public CloseStatus awaitClose(Duration timeout) throws Exception {
            return client.awaitClose(timeout);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
