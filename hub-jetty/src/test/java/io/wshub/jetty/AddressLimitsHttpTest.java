package io.wshub.jetty;

import io.wshub.AddressLimits;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.Session;
import io.wshub.TrustedProxies;
import io.wshub.protocol.RawEchoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-address limits over HTTP (docs/security.md): 429 with {@code Retry-After} before the
 * upgrade, each loopback source address (127.0.0.1, 127.0.0.2, ...) counted on its own, and the
 * client address behind a trusted proxy, which the sessions show as their remote address.
 */
class AddressLimitsHttpTest {

    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
    private static final Pattern RETRY_AFTER = Pattern.compile("(?im)^Retry-After: *(\\S+)$");

    private final List<Socket> sockets = new ArrayList<>();
    private Hub hub;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(HubOptions options) throws Exception {
        hub = Hub.builder().options(options).handler(new RawEchoHandler()).build();
        server = TestServer.start(s -> WshubHandler.builder(s).mount("/echo", hub).build());
    }

    /** One session per address, behind the proxy 127.0.0.6, which writes X-Forwarded-For. */
    private void startBehindTheProxy() throws Exception {
        start(HubOptions.builder().addressLimits(AddressLimits.of(1, 0, 1))
                .trustedProxies(TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR, List.of("127.0.0.6"))).build());
    }

    /** An upgrade request's answer: its head; a 101's socket stays open (the session) until the test ends. */
    private record Answer(String head, Socket socket) {
        int status() {
            Matcher m = STATUS.matcher(head);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }

        String retryAfter() {
            Matcher m = RETRY_AFTER.matcher(head);
            return m.find() ? m.group(1) : null;
        }
    }

    /** Sends an upgrade request from this loopback address, with these extra header lines. */
    private Answer upgrade(String from, String headers) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(from, 0)); // Linux routes all of 127/8 to loopback
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) TIMEOUT.toMillis());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        return new Answer(RawPeer.readHead(in), socket);
    }

    private Answer upgrade(String from) throws IOException {
        return upgrade(from, "");
    }

    @Test
    void theSessionBeyondTheLimitOfAnAddressGets429WithRetryAfterAndAnotherAddressIsServed() throws Exception {
        start(HubOptions.builder().addressLimits(AddressLimits.of(5, 0, 1)).build());
        for (int i = 0; i < 5; i++) {
            assertThat(upgrade("127.0.0.1").status()).isEqualTo(101);
        }

        Answer sixth = upgrade("127.0.0.1");

        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.retryAfter()).isEqualTo("10");
        assertThat(sixth.head()).doesNotContain("Upgrade: websocket");
        // a 101 reaches the client before its session has opened; the refused sixth never does
        await().atMost(TIMEOUT).until(() -> hub.sessionCount() == 5);
        assertThat(upgrade("127.0.0.2").status()).isEqualTo(101);
    }

    @Test
    void aSessionThatEndsGivesItsAddressItsSlotBack() throws Exception {
        start(HubOptions.builder().addressLimits(AddressLimits.of(1, 0, 1)).build());
        Answer first = upgrade("127.0.0.3");
        assertThat(first.status()).isEqualTo(101);
        assertThat(upgrade("127.0.0.3").status()).isEqualTo(429);

        first.socket().close();
        await().atMost(TIMEOUT).until(() -> hub.sessionCount() == 0);

        assertThat(upgrade("127.0.0.3").status()).isEqualTo(101);
    }

    @Test
    void upgradesBeyondTheBurstOfAnAddressGet429WithTheSecondsToItsNextToken() throws Exception {
        start(HubOptions.builder().addressLimits(AddressLimits.of(0, 0.2, 3)).build()); // a token every 5 s
        for (int i = 0; i < 3; i++) {
            upgrade("127.0.0.4").socket().close();
        }

        Answer fourth = upgrade("127.0.0.4");

        assertThat(fourth.status()).isEqualTo(429);
        assertThat(Integer.parseInt(fourth.retryAfter())).isBetween(1, 5);
        assertThat(upgrade("127.0.0.5").status()).isEqualTo(101);
    }

    @Test
    void theClientBehindATrustedProxyIsLimitedAndShownByItsForwardedAddress() throws Exception {
        startBehindTheProxy();

        assertThat(upgrade("127.0.0.6", "X-Forwarded-For: 203.0.113.7\r\n").status()).isEqualTo(101);
        assertThat(upgrade("127.0.0.6", "X-Forwarded-For: 198.51.100.9\r\n").status()).isEqualTo(101);
        assertThat(upgrade("127.0.0.6", "X-Forwarded-For: 203.0.113.7\r\n").status()).isEqualTo(429);

        await().atMost(TIMEOUT).until(() -> hub.sessionCount() == 2);
        assertThat(hub.sessions()).extracting(s -> s.handshake().remoteAddress().getHostString())
                .containsExactlyInAnyOrder("203.0.113.7", "198.51.100.9");
        assertThat(hub.sessions()).extracting(s -> s.handshake().peerAddress().getHostString()).containsOnly("127.0.0.6");
    }

    @Test
    void aForwardedHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
        startBehindTheProxy();

        assertThat(upgrade("127.0.0.7", "X-Forwarded-For: 203.0.113.7\r\n").status()).isEqualTo(101);
        // A fresh claimed address does not give the same peer a second slot.
        assertThat(upgrade("127.0.0.7", "X-Forwarded-For: 203.0.113.8\r\n").status()).isEqualTo(429);

        await().atMost(TIMEOUT).until(() -> hub.sessionCount() == 1);
        Session only = hub.sessions().iterator().next();
        assertThat(only.handshake().remoteAddress().getHostString()).isEqualTo("127.0.0.7");
    }
}
