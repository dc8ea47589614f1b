package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.protocol.RawEchoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6455 section 4: the statuses of malformed upgrade requests, written by hand on a socket. */
class UpgradeChecksTest {

    private static final String GOOD_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Hub echo = Hub.builder().handler(new RawEchoHandler()).build();
        server = TestServer.start(s -> WshubHandler.builder(s).mount("/echo", echo).build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Sends an upgrade request with these extra header lines and returns the response's head. */
    private static String upgrade(String headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return RawPeer.readHead(socket.getInputStream());
        }
    }

    @Test
    void aWellFormedRequestIsUpgraded() throws Exception {
        assertThat(upgrade("Sec-WebSocket-Key: " + GOOD_KEY + "\r\nSec-WebSocket-Version: 13\r\n"))
                .startsWith("HTTP/1.1 101");
    }

    @ParameterizedTest(name = "version \"{0}\"")
    @ValueSource(strings = {"99", "8", "12", "thirteen"})
    void anUnsupportedVersionIs426WithTheVersionTheServerSpeaks(String version) throws Exception {
        String head = upgrade("Sec-WebSocket-Key: " + GOOD_KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n");
        assertThat(head).startsWith("HTTP/1.1 426").containsIgnoringCase("Sec-WebSocket-Version: 13");
    }

    @Test
    void noVersionIs426() throws Exception {
        assertThat(upgrade("Sec-WebSocket-Key: " + GOOD_KEY + "\r\n")).startsWith("HTTP/1.1 426");
    }

    @ParameterizedTest(name = "key \"{0}\"")
    @ValueSource(strings = {"", "not base64 at all!", "c2hvcnQ=", "dGhpcyBpcyBtb3JlIHRoYW4gc2l4dGVlbiBieXRlcw=="})
    void aMalformedKeyIs400(String key) throws Exception {
        assertThat(upgrade("Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void noKeyIs400() throws Exception {
        assertThat(upgrade("Sec-WebSocket-Version: 13\r\n")).startsWith("HTTP/1.1 400");
    }
}
