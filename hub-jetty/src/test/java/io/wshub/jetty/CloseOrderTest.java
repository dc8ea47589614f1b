package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.ConnectionListener;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the hub sends while the peer's close is being reported leaves before the server's answer to
 * it, as on Jetty's own path: a hub that writes what it still holds when the peer closes must not
 * find the connection refusing its writes (and drop it with a reset instead of a close handshake).
 */
class CloseOrderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final CompletableFuture<Void> goodbyeWritten = new CompletableFuture<>();
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSendMadeWhileThePeersCloseIsReportedLeavesBeforeTheCloseAnswer() throws Exception {
        server = TestServer.start(s -> new WebSocketUpgradeHandler(handler ->
                handler.addMapping("/ws", new HubNegotiator(new GoodbyeOnClose(), HubOptions.defaults(), JettyOptions.DEFAULTS))));
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            peer.send(0x8, RawPeer.bytes(0x03, 0xE8)); // close, 1000

            RawPeer.Ending ending = peer.readUntilClose();

            assertThat(ending.frames()).extracting(RawPeer.Received::opCode).containsExactly(0x1, 0x8);
            assertThat(new String(ending.frames().get(0).payload())).isEqualTo("goodbye");
            assertThat(ending.code()).isEqualTo(1000);
            assertThat(goodbyeWritten).succeedsWithin(TIMEOUT);
        }
    }

    /** Admits every upgrade; its connections say goodbye when the peer closes. */
    private final class GoodbyeOnClose implements ConnectionAcceptor {
        @Override
        public Admission admit(io.wshub.Handshake handshake) {
            return new Admission.Accepted() {
                @Override
                public String sessionId() {
                    return "goodbye";
                }

                @Override
                public long maxMessageBytes() {
                    return 1024;
                }

                @Override
                public ConnectionListener open(Connection connection) {
                    connection.demand();
                    return new Listener(connection);
                }

                @Override
                public void abandon() {
                }
            };
        }
    }

    private final class Listener implements ConnectionListener {
        private final Connection connection;

        Listener(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void onClose(CloseStatus status) {
            connection.send(new Message[] {Message.text("goodbye")}, 1, JettyAdapterTest.completing(goodbyeWritten));
        }

        @Override
        public void onText(String text) {
            connection.demand();
        }

        @Override
        public void onBinary(ByteBuffer data) {
            connection.demand();
        }

        @Override
        public void onPong(ByteBuffer payload) {
        }

        @Override
        public void onError(Throwable cause) {
        }
    }
}
