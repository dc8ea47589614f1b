package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.Handshake;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.testkit.KitClient;
import io.wshub.testkit.KitServer;
import io.wshub.testkit.KitUpgradeRefused;
import io.wshub.testkit.TransportTestKit;

import java.time.Duration;
import java.util.Map;

/** The in-memory transport keeps every promise of the transport SPI. */
class InMemoryTransportTest extends TransportTestKit {

    @Override
    protected KitServer startServer(ConnectionAcceptor acceptor) {
        InMemoryTransport transport = new InMemoryTransport(acceptor);
        return new KitServer() {
            @Override
            public KitClient connect(Map<String, String> headers, Map<String, String> query) throws Exception {
                Handshake.Builder h = Handshake.builder().path("/ws");
                headers.forEach(h::header);
                query.forEach(h::queryParameter);
                try {
                    return new Client(transport.connect(h.build()));
                } catch (UpgradeRefusedException e) {
                    throw new KitUpgradeRefused(e.status(), e);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private record Client(InMemoryClient client) implements KitClient {
        @Override
        public void sendText(String text) {
            client.sendText(text);
        }

        @Override
        public void sendBinary(byte[] data) {
            client.sendBinary(data);
        }

        @Override
        public Received next(Duration timeout) {
            InMemoryClient.Received m = client.poll(timeout).orElseThrow(() -> new AssertionError("no message within " + timeout));
            return new Received(m.text(), m.binary());
        }

        @Override
        public void close(int code, String reason) {
            client.close(code, reason);
        }

        @Override
        public CloseStatus awaitClose(Duration timeout) {
            return client.awaitClose(timeout);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
