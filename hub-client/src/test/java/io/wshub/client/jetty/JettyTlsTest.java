package io.wshub.client.jetty;

import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientOptions;
import io.wshub.client.ConnectFailedException;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RetryPolicy;
import io.wshub.jetty.SecureChatExample;
import io.wshub.jetty.TestCertificates;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client over {@code wss://} with a trust store of its own, against a room hub behind Jetty's TLS connector. */
class JettyTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ClientOptions ONE_TRY = ClientOptions.builder().retryPolicy(RetryPolicy.never()).build();

    @TempDir
    static Path dir;
    private static TestCertificates.Made certificate;

    private Server server;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = TestCertificates.make(dir, "wshub-client-test", "EC");
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** A room hub on /ws behind a TLS connector on every interface; returns its port. */
    private int startTlsServer() throws Exception {
        server = SecureChatExample.startSecureChat(0, certificate.keyStore(), TestCertificates.PASSWORD);
        return SecureChatExample.port(server);
    }

    @Test
    void aClientTrustingTheServersCertificateFileSpeaksWss() throws Exception {
        int port = startTlsServer();

        try (ReconnectingClient client = WsHubClient.builder(ClientTls.trustPem(certificate.certPem()),
                "wss://localhost:" + port + "/ws").connect()) {
            assertRoomSessionWorks(client);
        }
    }

    @Test
    void aKeyStoreOrAnSslContextOfTheApplicationsWorkToo() throws Exception {
        int port = startTlsServer();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate.certificate());
        SSLContext context = TestCertificates.trusting(certificate.certificate());

        for (ClientTls tls : List.of(ClientTls.trustStore(trusted), ClientTls.sslContext(context))) {
            try (ReconnectingClient client = WsHubClient.builder(tls, "wss://127.0.0.1:" + port + "/ws").connect()) {
                assertRoomSessionWorks(client);
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsSayingSo() throws Exception {
        int port = startTlsServer();

        ConnectFailedException failure = firstFailure(WsHubClient.builder("wss://localhost:" + port + "/ws"));

        assertThat(failure).hasMessageContaining("TLS handshake with wss://localhost:" + port + "/ws failed")
                .hasMessageContaining("the server's certificate is not trusted by this client");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        int port = startTlsServer(); // the certificate names localhost and 127.0.0.1 only

        ConnectFailedException failure = firstFailure(WsHubClient.builder(ClientTls.trustPem(certificate.certPem()),
                "wss://127.0.0.2:" + port + "/ws"));

        assertThat(failure).hasMessageContaining("the server's certificate is not issued for 127.0.0.2");
    }

    @Test
    void wssToAServerWithoutTlsSaysSo() throws Exception {
        try (JettyHub plain = new JettyHub().start()) {
            String url = plain.uri().toString().replace("ws://", "wss://");

            ConnectFailedException failure = firstFailure(WsHubClient.builder(ClientTls.trustPem(certificate.certPem()), url));

            assertThat(failure).hasMessageContaining("TLS handshake with " + url + " failed")
                    .hasMessageContaining("the server does not speak TLS on this port");
        }
    }

    @Test
    void aTrustFileThatCannotBeUsedIsRefusedAtOnceNamingIt() throws Exception {
        Path missing = dir.resolve("missing.crt");
        Path notPem = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
        Path key = certificate.keyPem();

        assertThatThrownBy(() -> ClientTls.trustPem(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the trusted certificates file " + missing);
        assertThatThrownBy(() -> ClientTls.trustPem(notPem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notPem.toString());
        assertThatThrownBy(() -> ClientTls.trustPem(key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key.toString());
    }

    private static void assertRoomSessionWorks(ReconnectingClient client) throws Exception {
        client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(client.receive(WAIT).orElseThrow().text()).contains("\"type\":\"welcome\"");
        client.sendText("{\"type\":\"ping\"}");
        assertThat(client.receive(WAIT).orElseThrow().text()).isEqualTo("{\"type\":\"pong\"}");
    }

    /** Connects once (no retry) and returns why the attempt failed. */
    private static ConnectFailedException firstFailure(ReconnectingClient.Builder builder) throws Exception {
        CompletableFuture<ClientFailure> failed = new CompletableFuture<>();
        try (ReconnectingClient client = builder.options(ONE_TRY).listener(new ClientListener() {
            @Override
            public void onFailure(ClientFailure failure) {
                failed.complete(failure);
            }
        }).connect()) {
            ClientFailure failure = failed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(client.whenOpen()).isNotCompleted();
            assertThat(failure.cause()).isInstanceOf(ConnectFailedException.class);
            return (ConnectFailedException) failure.cause();
        }
    }
}
