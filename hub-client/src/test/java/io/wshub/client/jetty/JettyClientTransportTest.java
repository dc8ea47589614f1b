package io.wshub.client.jetty;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.ConnectFailedException;
import io.wshub.client.ConnectionLostException;
import io.wshub.client.HandshakeRefusedException;
import io.wshub.client.ReconnectingClient;
import io.wshub.testing.RecordingClientListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Jetty transport under the reconnecting client, over real sockets to a bare Jetty server. */
class JettyClientTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Short waits so that retries happen within a test's time; the defaults are tested elsewhere. */
    private static final ClientOptions QUICK = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(200)).build();

    @RegisterExtension
    final BareServer server = new BareServer();
    private final JettyClientTransport transport = JettyClientTransport.create();
    private final RecordingClientListener recording = new RecordingClientListener();

    @AfterEach
    void closeTransport() {
        transport.close();
    }

    private ReconnectingClient connect(URI uri, ClientOptions options) {
        return ReconnectingClient.builder(transport).url(uri).options(options).listener(recording).connect();
    }

    private static String nextText(ReconnectingClient client) throws Exception {
        return client.receive(WAIT).orElseThrow(() -> new AssertionError("no message within " + WAIT)).text();
    }

    @Test
    void textAndBinaryMessagesMakeTheRoundTrip() throws Exception {
        try (ReconnectingClient client = connect(server.uri("/echo"), QUICK)) {
            client.sendText("héllo");
            client.send(Message.binary(new byte[] {1, 2, 3}));

            assertThat(nextText(client)).isEqualTo("héllo");
            Message binary = client.receive(WAIT).orElseThrow();
            assertThat(binary.isText()).isFalse();
            assertThat(binary.payload()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
    }

    @Test
    void messagesFarLargerThanJettysDefault64KiBGetThroughBothWays() throws Exception {
        String big = "x".repeat(300 * 1024);
        try (ReconnectingClient client = connect(server.uri("/echo"), QUICK)) {
            client.sendText(big).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(nextText(client)).hasSize(big.length()).isEqualTo(big);
        }
    }

    @Test
    void sendsFromManyThreadsAllArriveAndEachThreadsInOrder() throws Exception {
        int threads = 4;
        int perThread = 250;
        try (ReconnectingClient client = connect(server.uri("/echo"), QUICK)) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        client.sendText(thread + ":" + i);
                    }
                }));
            }
            senders.forEach(Thread::start);
            for (Thread sender : senders) {
                sender.join(WAIT.toMillis());
            }

            int[] next = new int[threads];
            for (int n = 0; n < threads * perThread; n++) {
                String[] parts = nextText(client).split(":");
                int thread = Integer.parseInt(parts[0]);
                assertThat(Integer.parseInt(parts[1])).as("message of sender %d", thread).isEqualTo(next[thread]);
                next[thread]++;
            }
            assertThat(next).containsOnly(perThread);
            assertThat(recording.failures()).isEmpty();
        }
    }

    @Test
    void aHandshakeRefusedWith401IsReportedAndNotRetried() {
        try (ReconnectingClient client = connect(server.uri("/refuse?status=401"), QUICK)) {
            await().atMost(WAIT).until(() -> client.state() == ClientState.CLOSED);

            assertThat(recording.failures()).singleElement().satisfies(failure -> {
                assertThat(failure.willRetry()).isFalse();
                assertThat(failure.cause()).isInstanceOfSatisfying(HandshakeRefusedException.class,
                        refused -> assertThat(refused.status()).isEqualTo(401));
            });
        }
    }

    @Test
    void aHandshakeRefusedWith503IsRetried() {
        try (ReconnectingClient client = connect(server.uri("/refuse?status=503"), QUICK)) {
            await().atMost(WAIT).until(() -> recording.failures().size() >= 3);

            assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
            assertThat(recording.failures()).allSatisfy(failure -> assertThat(failure.cause())
                    .isInstanceOfSatisfying(HandshakeRefusedException.class, r -> assertThat(r.status()).isEqualTo(503)));
        }
    }

    @Test
    void aHandshakeRefusedWith429IsRetriedNoSoonerThanItsRetryAfter() {
        try (ReconnectingClient client = connect(server.uri("/refuse?status=429&retryAfter=1"), QUICK)) {
            await().atMost(WAIT).until(() -> recording.failures().size() >= 2);

            assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
            assertThat(recording.failures()).allSatisfy(failure -> {
                assertThat(failure.cause()).isInstanceOfSatisfying(HandshakeRefusedException.class, r -> {
                    assertThat(r.status()).isEqualTo(429);
                    assertThat(r.retryAfter()).contains(Duration.ofSeconds(1));
                });
                assertThat(failure.retryIn()).isEqualTo(Duration.ofSeconds(1)); // not QUICK's 200 ms at most
            });
        }
    }

    @Test
    void theHeadersOfTheAttemptReachTheServer() throws Exception {
        try (ReconnectingClient client = ReconnectingClient.builder(transport).url(server.uri("/headers"))
                .headers(url -> Map.of("Authorization", "Bearer abc")).connect()) {
            assertThat(nextText(client)).isEqualTo("Bearer abc");
        }
    }

    @Test
    void theServersCloseCodeReachesTheClient() {
        try (ReconnectingClient client = connect(server.uri("/close?code=1011"), QUICK)) {
            await().atMost(WAIT).until(() -> !recording.failures().isEmpty());

            assertThat(recording.failures().get(0).cause()).isInstanceOfSatisfying(ConnectionLostException.class,
                    lost -> assertThat(lost.status().code()).isEqualTo(1011));
            assertThat(recording.failures().get(0).willRetry()).isTrue();
            assertThat(client.state()).isNotEqualTo(ClientState.CLOSED);
        }
    }

    @Test
    void pingMeasuresTheRoundTrip() throws Exception {
        try (ReconnectingClient client = connect(server.uri("/echo"), QUICK)) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(client.ping(WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();
        }
    }

    @Test
    void readingGoesOnAfterTheHeartbeatsPingsAndPongs() throws Exception {
        ClientOptions heartbeat = QUICK.toBuilder().pingInterval(Duration.ofMillis(20))
                .pongTimeout(Duration.ofMillis(2_000)).build();
        try (ReconnectingClient client = connect(server.uri("/echo"), heartbeat)) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) { // the heartbeat's pongs and these arrive between the messages
                client.sendText("m" + i);
                assertThat(nextText(client)).isEqualTo("m" + i);
                assertThat(client.ping(WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();
            }
            assertThat(recording.failures()).isEmpty();
        }
    }

    @Test
    void aServerThatStopsAnsweringPingsIsDetectedAndLeftForANewConnection() {
        ClientOptions heartbeat = QUICK.toBuilder().pingInterval(Duration.ofMillis(100))
                .pongTimeout(Duration.ofMillis(400)).build();
        try (ReconnectingClient client = connect(server.uri("/deaf"), heartbeat)) {
            await().atMost(WAIT).until(() -> recording.failures().size() >= 2);

            assertThat(recording.failures()).allSatisfy(failure -> {
                assertThat(failure.cause()).isInstanceOfSatisfying(ConnectionLostException.class,
                        lost -> assertThat(lost.status()).isEqualTo(CloseStatus.HEARTBEAT_TIMEOUT));
                assertThat(failure.willRetry()).isTrue();
            });
            assertThat(client.state()).isNotEqualTo(ClientState.CLOSED);
        }
    }

    @Test
    void theServersPingsAreAnsweredAndReadingGoesOn() throws Exception {
        try (ReconnectingClient client = connect(server.uri("/pinger"), QUICK)) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            await().atMost(WAIT).untilAsserted(() -> {
                client.sendText("count");
                assertThat(nextText(client)).isEqualTo("pongs=3");
            });
        }
    }

    @Test
    void anAddressWhereNothingListensIsAFailedAttemptThatIsRetried() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (ReconnectingClient client = connect(URI.create("ws://127.0.0.1:" + closedPort + "/ws"), QUICK)) {
            await().atMost(WAIT).until(() -> recording.failures().size() >= 2);

            assertThat(recording.failures().get(0).cause()).isInstanceOf(ConnectFailedException.class)
                    .hasRootCauseInstanceOf(ConnectException.class);
            assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
        }
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeIsLeftAfterTheTimeoutAndItsSocketClosed() throws Exception {
        ClientOptions options = QUICK.toBuilder().handshakeTimeout(Duration.ofMillis(300))
                .initialBackoff(Duration.ofMinutes(1)).maxBackoff(Duration.ofMinutes(1)).build();
        try (ServerSocket mute = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ReconnectingClient client = connect(URI.create("ws://127.0.0.1:" + mute.getLocalPort() + "/ws"), options)) {
            mute.setSoTimeout((int) WAIT.toMillis());
            try (Socket accepted = mute.accept()) {
                await().atMost(WAIT).until(() -> !recording.failures().isEmpty());
                assertThat(recording.failures().get(0).cause())
                        .hasMessage("handshake with " + client.url() + " did not complete within PT0.3S");

                accepted.setSoTimeout((int) WAIT.toMillis());
                byte[] request = accepted.getInputStream().readNBytes(4);
                assertThat(new String(request, StandardCharsets.US_ASCII)).isEqualTo("GET ");
                // The client dropped the socket: the rest of the request ends in end-of-stream.
                while (accepted.getInputStream().read() != -1) {
                    // drain
                }
            }
        }
    }
}
