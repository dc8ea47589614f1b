package io.wshub.testkit;

import io.wshub.CloseStatus;
import io.wshub.Handshake;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import io.wshub.testing.UpgradeRefusedException;

import java.time.Duration;
import java.util.Map;

/**
 * The {@link TransportTestKit}'s server on the in-memory transport: the in-memory transport's own
 * test runs the kit on it, and so can a test of anything that wraps an acceptor or its connections
 * (a decorator of your own, a {@link io.wshub.testing.FaultyTransport}), to check that the wrapper
 * keeps the transport's promises:
 *
 * <pre>{@code
 * class FaultFreeWrapperTest extends TransportTestKit {
 *     @Override
 *     protected KitServer startServer(ConnectionAcceptor acceptor) {
 *         return new InMemoryKitServer(new FaultyTransport(acceptor, new ManualScheduler()));
 *     }
 * }
 * }</pre>
 */
public final class InMemoryKitServer implements KitServer {

    private final InMemoryTransport transport;

    /** A server feeding this acceptor. */
    public InMemoryKitServer(ConnectionAcceptor acceptor) {
        this.transport = new InMemoryTransport(acceptor);
    }

    @Override
    public KitClient connect(Map<String, String> headers, Map<String, String> query) throws KitUpgradeRefused {
        Handshake.Builder h = Handshake.builder().path("/ws");
        headers.forEach(h::header);
        query.forEach(h::queryParameter);
        try {
            return new Client(transport.connect(h.build()));
        } catch (UpgradeRefusedException e) {
            throw new KitUpgradeRefused(e.status(), e);
        }
    }

    /** Nothing to release: the in-memory transport holds no thread or socket. */
    @Override
    public void close() {
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
