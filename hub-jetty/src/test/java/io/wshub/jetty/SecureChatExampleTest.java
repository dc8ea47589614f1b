package io.wshub.jetty;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** docs/security.md's hub behind an application's own TLS connector works, reloads a replaced keystore, and is the code shown. */
class SecureChatExampleTest {

    @Test
    void aWssSessionWorksAndAReplacedKeyStoreIsServedToTheNextConnection(@TempDir Path dir) throws Exception {
        TestCertificates.Made first = TestCertificates.make(dir, "wshub-embed-first", "EC");
        TestCertificates.Made second = TestCertificates.make(dir, "wshub-embed-second", "EC");
        Path keyStore = Files.copy(first.keyStore(), dir.resolve("server.p12"));
        SSLContext trust = TestCertificates.trusting(first.certificate(), second.certificate());
        Server server = SecureChatExample.startSecureChat(0, keyStore, TestCertificates.PASSWORD);
        SslContextFactory.Client clientTls = new SslContextFactory.Client();
        clientTls.setSslContext(trust);
        HttpClient http = new HttpClient();
        http.setSslContextFactory(clientTls);
        WebSocketClient ws = new WebSocketClient(http);
        ws.start();
        try {
            int port = SecureChatExample.port(server);
            try (TestClient alice = TestClient.connect(ws, URI.create("wss://localhost:" + port + "/ws?id=alice"))) {
                assertThat(alice.nextText()).contains("\"type\":\"welcome\"", "\"id\":\"alice\"");
            }
            assertThat(TestCertificates.served(trust, port)).isEqualTo(first.certificate());

            Path aside = Files.copy(second.keyStore(), dir.resolve("server.p12.new"));
            Files.move(aside, keyStore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(TestCertificates.served(trust, port)).isEqualTo(second.certificate()));
        } finally {
            ws.stop();
            server.stop();
        }
    }

    @Test
    void theSecurityDocShowsExactlyThisCode() throws Exception {
        ShownCode.assertShown(Path.of("src/test/java/io/wshub/jetty/SecureChatExample.java"), "docs",
                Path.of("../docs/security.md"), "public static Server startSecureChat");
    }
}
