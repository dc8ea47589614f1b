package io.wshub.jetty;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Server certificates made at test time with the JDK's own {@code keytool}: self-signed, for
 * {@code localhost} and {@code 127.0.0.1}, valid for two days, each with its own key, subject and
 * (random) serial. Each comes as a PKCS12 keystore and as PEM files (the certificate, and the key
 * in PKCS#8), as a certificate manager writes them.
 */
public final class TestCertificates {

    /** The keystore's password (and its key's). */
    public static final String PASSWORD = "changeit";
    public static final String ALIAS = "server";

    /** One certificate with its key, and the files that hold them. */
    public record Made(Path keyStore, Path certPem, Path keyPem, X509Certificate certificate, PrivateKey key) {
    }

    private TestCertificates() {
    }

    /**
     * Makes a certificate for {@code CN=name} in {@code dir} ({@code name.p12}, {@code name.crt},
     * {@code name.key}).
     *
     * @param keyAlgorithm {@code RSA} (2048 bits) or {@code EC} (P-256)
     */
    public static Made make(Path dir, String name, String keyAlgorithm) throws IOException, InterruptedException {
        Path keyStore = dir.resolve(name + ".p12");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", ALIAS, "-keyalg", keyAlgorithm, "-dname", "CN=" + name,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        command.addAll(keyAlgorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = keytool.waitFor(60, TimeUnit.SECONDS);
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, PASSWORD.toCharArray());
            Path certPem = Files.writeString(dir.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded()));
            Path keyPem = Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded()));
            return new Made(keyStore, certPem, keyPem, certificate, key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read what keytool made: " + e, e);
        }
    }

    /** An SSL context that trusts these certificates and no others. */
    public static SSLContext trusting(X509Certificate... certificates) throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (X509Certificate c : certificates) {
            trusted.setCertificateEntry(c.getSubjectX500Principal().getName() + " " + c.getSerialNumber(), c);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * A fresh TLS handshake (nothing to resume: its own socket) with {@code localhost:port}, checking
     * the host name as browsers do, with these protocols or the JDK's defaults; the socket is closed after.
     */
    public static SSLSession handshake(SSLContext trust, int port, String... protocols) throws IOException {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("localhost", port), (int) TestClient.TIMEOUT.toMillis());
            socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (protocols.length > 0) {
                parameters.setProtocols(protocols);
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession();
        }
    }

    /** The certificate a new connection to {@code localhost:port} gets. */
    public static X509Certificate served(SSLContext trust, int port) throws IOException {
        return (X509Certificate) handshake(trust, port).getPeerCertificates()[0];
    }

    /** One PEM block. */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
