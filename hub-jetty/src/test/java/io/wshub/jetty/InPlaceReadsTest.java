package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link WshubConnector} reads in place for a hub whose handler never blocks, and only for it;
 * and a client that sends without pause does not keep its selector from the other connections.
 */
class InPlaceReadsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Messages the flooding client sends back to back: far more than one selection's share, a second or more of reading. */
    private static final int FLOOD = 1_500_000;

    private final AtomicLong counted = new AtomicLong();
    private Server server;
    private WshubConnector connector;

    /** Counts "x", answers anything else with "pong". */
    private final class Counter implements HubHandler {
        private final boolean neverBlocks;

        Counter(boolean neverBlocks) {
            this.neverBlocks = neverBlocks;
        }

        @Override
        public boolean neverBlocks() {
            return neverBlocks;
        }

        @Override
        public void onText(Session session, String text) {
            if (text.equals("x")) {
                counted.incrementAndGet();
            } else {
                session.send(Message.text("pong"));
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        connector = new WshubConnector(server, 1, 1); // one selector: every connection shares it
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        HubOptions unlimited = HubOptions.builder().rateLimit(RateLimit.UNLIMITED).build();
        server.setHandler(WshubHandler.builder(server)
                .mount("/quick", Hub.builder().handler(new Counter(true)).options(unlimited).build())
                .mount("/may-block", Hub.builder().handler(new Counter(false)).options(unlimited).build())
                .mount("/rooms-told", Hub.builder().handler(RoomProtocol.router().neverBlocks(true).build()).build())
                .mount("/rooms", Hub.builder().handler(RoomProtocol.router().build()).build())
                .build());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void onlyAHubWhoseHandlerNeverBlocksReadsOnTheSelector() throws Exception {
        try (RawPeer quick = open("/quick"); RawPeer mayBlock = open("/may-block")) {
            assertThat(endPointOf(quick).readsInPlace()).isTrue();
            assertThat(endPointOf(mayBlock).readsInPlace()).isFalse();
            assertThat(roundTrip(quick)).isEqualTo("pong");
            assertThat(roundTrip(mayBlock)).isEqualTo("pong");
        }
    }

    @Test
    void aRouterReadsInPlaceOnlyWhenItsBuilderWasToldItNeverBlocks() throws Exception {
        try (RawPeer told = RawPeer.connect(connector.getLocalPort(), "/rooms-told", TIMEOUT);
             RawPeer notTold = RawPeer.connect(connector.getLocalPort(), "/rooms", TIMEOUT)) {
            assertThat(told.readFrame().payload()).isNotEmpty(); // the welcome: the session is open
            assertThat(notTold.readFrame().payload()).isNotEmpty();
            assertThat(endPointOf(told).readsInPlace()).isTrue();
            assertThat(endPointOf(notTold).readsInPlace()).isFalse();
        }
    }

    @Test
    void aClientThatSendsWithoutPauseDoesNotKeepItsSelectorFromTheOthers() throws Exception {
        byte[] flood = frames(FLOOD);
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (RawPeer other = open("/quick"); RawPeer flooder = open("/quick")) {
            Future<?> sent = sender.submit(() -> flooder.sendRaw(flood));
            await().atMost(TIMEOUT).until(() -> counted.get() > 1_000);

            assertThat(roundTrip(other)).isEqualTo("pong");
            assertThat(counted.get())
                    .as("the other connection was answered while the flood was still being read")
                    .isLessThan(FLOOD);
            await().atMost(Duration.ofSeconds(60)).until(() -> counted.get() == FLOOD); // and the flood lost nothing
            sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            sender.shutdownNow();
        }
    }

    private RawPeer open(String path) throws IOException {
        RawPeer peer = RawPeer.connect(connector.getLocalPort(), path, TIMEOUT);
        assertThat(roundTrip(peer)).isEqualTo("pong"); // open: its session has answered
        return peer;
    }

    private static String roundTrip(RawPeer peer) throws IOException {
        peer.send(0x1, RawPeer.utf8("ping"));
        return new RawPeer.Received(0x1, peer.readFrame().payload()).text();
    }

    private InPlaceEndPoint endPointOf(RawPeer peer) {
        return connector.getConnectedEndPoints().stream()
                .filter(e -> e.getRemoteSocketAddress() instanceof InetSocketAddress a && a.getPort() == peer.localPort())
                .map(InPlaceEndPoint.class::cast)
                .findFirst().orElseThrow();
    }

    /** {@code count} masked text frames "x" back to back, their mask key zero. */
    private static byte[] frames(int count) {
        byte[] header = RawPeer.header(0x81, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream((header.length + 1) * count);
        for (int i = 0; i < count; i++) {
            out.writeBytes(header);
            out.write('x');
        }
        return out.toByteArray();
    }
}
