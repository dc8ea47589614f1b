package io.wshub.examples;

import io.wshub.client.ReconnectingClient;
import io.wshub.client.jetty.ClientTls;
import io.wshub.client.jetty.WsHubClient;
import io.wshub.jetty.TestCertificates;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The room server over TLS (docs/security.md, "TLS") with certificates made at test time: wss://
 * sessions, TLS 1.2 and 1.3 only, and certificates replaced on disk served to the next connection
 * without a restart, a broken replacement keeping the one in use.
 */
class TlsServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration RELOAD = Duration.ofMillis(100);

    @TempDir
    static Path made;
    private static TestCertificates.Made first;
    private static TestCertificates.Made second;
    /** Both certificates, as one PEM file of trusted certificates. */
    private static Path bothTrusted;

    @TempDir
    Path live;
    private ServerFixture f;

    @BeforeAll
    static void makeCertificates() throws Exception {
        first = TestCertificates.make(made, "wshub-first", "RSA");
        second = TestCertificates.make(made, "wshub-second", "EC");
        bothTrusted = Files.writeString(made.resolve("both.crt"), Files.readString(first.certPem()) + Files.readString(second.certPem()));
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** The room server on the PEM files tls.crt and tls.key of this directory, which hold {@code initial}. */
    private ServerFixture startWithPem(Path dir, TestCertificates.Made initial) throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        if (!Files.exists(cert)) {
            install(initial, dir);
        }
        Map<Setting, Object> settings = new EnumMap<>(Setting.class);
        settings.put(Setting.TLS_CERT_FILE, cert.toString());
        settings.put(Setting.TLS_KEY_FILE, key.toString());
        settings.put(Setting.TLS_RELOAD_INTERVAL, RELOAD);
        f = ServerFixture.start(ExampleServer.ROOM, settings);
        return f;
    }

    /** Replaces tls.crt and tls.key of this directory, each file at once (written aside, then renamed). */
    private static void install(TestCertificates.Made certificate, Path dir) throws IOException {
        replace(certificate.certPem(), dir.resolve("tls.crt"));
        replace(certificate.keyPem(), dir.resolve("tls.key"));
    }

    private static void replace(Path source, Path target) throws IOException {
        Path aside = Files.copy(source, target.resolveSibling(target.getFileName() + ".new"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int port() {
        return f.server.port();
    }

    private CertificateWatcher watcher() {
        return ssl().getBean(CertificateWatcher.class);
    }

    private SslConnectionFactory ssl() {
        return ((ServerConnector) f.server.jetty().getConnectors()[0]).getConnectionFactory(SslConnectionFactory.class);
    }

    @Test
    void aClientTrustingTheCertificateHasAWorkingWssSessionAndHttpsHealth() throws Exception {
        startWithPem(live, first);

        try (ReconnectingClient client = WsHubClient.builder(ClientTls.trustPem(first.certPem()),
                "wss://localhost:" + port() + "/ws?id=alice").connect()) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(client.receive(WAIT).orElseThrow().text()).contains("\"type\":\"welcome\"", "\"id\":\"alice\"");
            client.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
            assertThat(client.receive(WAIT).orElseThrow().text()).contains("\"type\":\"room_joined\"", "\"alice\"");
            client.sendText("{\"type\":\"ping\"}");
            assertThat(client.receive(WAIT).orElseThrow().text()).isEqualTo("{\"type\":\"pong\"}");
        }
        HttpClient https = HttpClient.newBuilder().sslContext(TestCertificates.trusting(first.certificate()))
                .connectTimeout(WAIT).build();
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port() + "/health"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\"");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedAndPlainHttpIsNotServed() throws Exception {
        startWithPem(live, first);

        HttpClient https = HttpClient.newBuilder().sslContext(TestCertificates.trusting(second.certificate()))
                .connectTimeout(WAIT).build();
        assertThatThrownBy(() -> https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port() + "/health"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()))
                .hasRootCauseMessage("unable to find valid certification path to requested target");
        HttpClient plain = HttpClient.newBuilder().connectTimeout(WAIT).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(f.http("/health")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void onlyTls12And13AreSpoken() throws Exception {
        startWithPem(live, first);

        assertThat(ssl().getSslContextFactory().getSelectedProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        SSLContext trust = TestCertificates.trusting(first.certificate());
        assertThat(TestCertificates.handshake(trust, port(), "TLSv1.2").getProtocol()).isEqualTo("TLSv1.2");
        assertThat(TestCertificates.handshake(trust, port(), "TLSv1.3").getProtocol()).isEqualTo("TLSv1.3");
        // The JDK's own client cannot even offer TLS 1.1 any more: a hello written by hand can.
        assertThat(answerToTls11Hello(port())).as("a fatal protocol_version alert, no ServerHello")
                .startsWith(0x15).endsWith(2, 70);
    }

    @Test
    void replacedFilesAreServedToTheNextConnectionWithoutARestartAndOpenSessionsGoOn() throws Exception {
        startWithPem(live, first);
        assertThat(served(port()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
        try (ReconnectingClient open = WsHubClient.builder(ClientTls.trustPem(bothTrusted), "wss://localhost:" + port() + "/ws")
                .connect()) {
            open.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            install(second, live);

            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(served(port()).getSerialNumber()).isEqualTo(second.certificate().getSerialNumber()));
            assertThat(served(port()).getSubjectX500Principal().getName()).isEqualTo("CN=wshub-second");
            open.receive(WAIT).orElseThrow(); // its welcome
            open.sendText("{\"type\":\"ping\"}");
            assertThat(open.receive(WAIT).orElseThrow().text()).as("the session opened before").isEqualTo("{\"type\":\"pong\"}");
        }
    }

    @Test
    void aSecretSwappedByItsDirectoryLinkAsKubernetesDoesIsNoticed() throws Exception {
        // Kubernetes: tls.crt -> ..data/tls.crt, ..data -> ..2026_01; an update swaps ..data at once.
        Path secret = Files.createDirectory(live.resolve("secret"));
        install(first, Files.createDirectory(secret.resolve("..2026_01")));
        Files.createSymbolicLink(secret.resolve("..data"), Path.of("..2026_01"));
        Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data", "tls.key"));
        startWithPem(secret, first);
        assertThat(served(port()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());

        install(second, Files.createDirectory(secret.resolve("..2026_02")));
        Path link = Files.createSymbolicLink(secret.resolve("..data_tmp"), Path.of("..2026_02"));
        Files.move(link, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(served(port()).getSerialNumber()).isEqualTo(second.certificate().getSerialNumber()));
    }

    @Test
    void aBrokenReplacementKeepsTheCertificateInUseAndSaysWhy() throws Exception {
        startWithPem(live, first);

        replace(second.keyPem(), live.resolve("tls.key")); // the other certificate's key
        await().atMost(WAIT).untilAsserted(() -> assertThat(watcher().lastRefusal()).hasValueSatisfying(why ->
                assertThat(why).contains("does not match the certificate")));
        assertThat(served(port()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());

        Files.writeString(live.resolve("tls.crt"), "-----BEGIN CERTIFICATE-----\ncut short");
        await().atMost(WAIT).untilAsserted(() -> assertThat(watcher().lastRefusal()).hasValueSatisfying(why ->
                assertThat(why).startsWith("tlsCertFile " + live.resolve("tls.crt") + ": ")));
        assertThat(served(port()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());

        replace(second.certPem(), live.resolve("tls.crt")); // now a pair again: taken
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(served(port()).getSerialNumber()).isEqualTo(second.certificate().getSerialNumber()));
    }

    @Test
    void aPkcs12KeyStoreWorksAndIsReloadedToo() throws Exception {
        Path keyStore = live.resolve("server.p12");
        Files.copy(first.keyStore(), keyStore);
        f = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.TLS_KEY_STORE, keyStore.toString(),
                Setting.TLS_KEY_STORE_PASSWORD, TestCertificates.PASSWORD, Setting.TLS_RELOAD_INTERVAL, RELOAD));
        assertThat(served(port()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());

        replace(second.keyStore(), keyStore);

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(served(port()).getSerialNumber()).isEqualTo(second.certificate().getSerialNumber()));
    }

    /** The certificate a new connection gets, trusting both. */
    private static X509Certificate served(int port) throws Exception {
        return TestCertificates.served(TestCertificates.trusting(first.certificate(), second.certificate()), port);
    }

    /**
     * What the server answers a TLS 1.1 ClientHello with (no supported_versions extension, so 1.1 is
     * the most it offers): up to the first record of 7 bytes.
     */
    private static byte[] answerToTls11Hello(int port) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {3, 2}); // client_version TLS 1.1
        body.write(new byte[32]);      // random
        body.write(0);                 // no session id
        // ECDHE_RSA and ECDHE_ECDSA with AES_128_CBC_SHA, RSA with AES_128_CBC_SHA: TLS 1.1's own
        body.write(new byte[] {0, 6, (byte) 0xc0, 0x13, (byte) 0xc0, 0x09, 0x00, 0x2f});
        body.write(new byte[] {1, 0}); // compression: none
        byte[] hello = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(new byte[] {0x16, 3, 1, 0, (byte) (hello.length + 4)}); // handshake record
        record.write(new byte[] {1, 0, 0, (byte) hello.length});              // client_hello
        record.write(hello);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(record.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[7];
            try {
                new DataInputStream(in).readFully(answer);
            } catch (EOFException e) {
                throw new AssertionError("the server closed without an alert", e);
            }
            return answer;
        }
    }
}
