package io.wshub.client.jetty;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Objects;

/**
 * Whom a client trusts when it connects to {@code wss://} addresses. Whatever the choice, the
 * client speaks TLS 1.2 or 1.3 only and checks that the server's certificate names the host of the
 * address (its subject alternative names), as a browser does; there is no option to trust every
 * certificate.
 *
 * <pre>{@code
 * ReconnectingClient client = WsHubClient.builder(ClientTls.trustPem(Path.of("ca.crt")), "wss://hub.internal:8443/ws")
 *         .onMessage(frame -> System.out.println(frame.text()))
 *         .connect();
 * }</pre>
 *
 * <p>Immutable. A trust store is read once, when the {@code ClientTls} is made; a transport made
 * with it keeps it for its life.
 */
public final class ClientTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final ClientTls SYSTEM = new ClientTls(null, null, "the JDK's trust store");

    private final KeyStore trustStore;   // null: the JDK's, or the context's own
    private final SSLContext sslContext; // null: one made from the trust store
    private final String description;

    private ClientTls(KeyStore trustStore, SSLContext sslContext, String description) {
        this.trustStore = trustStore;
        this.sslContext = sslContext;
        this.description = description;
    }

    /** The JDK's trust store ({@code cacerts}, public certificate authorities): what clients use unless told otherwise. */
    public static ClientTls systemDefault() {
        return SYSTEM;
    }

    /**
     * Trusts the certificates of this PEM file (one or more {@code -----BEGIN CERTIFICATE-----}
     * blocks: a private CA, or the server's own self-signed certificate), and no others.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate; the
     *                                  message names the file
     */
    public static ClientTls trustPem(Path caFile) {
        Objects.requireNonNull(caFile, "caFile");
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the trusted certificates file " + caFile + ": " + e, e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(caFile + " is not a PEM file of certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(caFile + " holds no certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("trusted-" + n++, certificate);
            }
            return new ClientTls(store, null, certificates.size() + " certificate(s) of " + caFile);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the certificates of " + caFile + " in a key store", e);
        }
    }

    /** Trusts the certificate entries of this key store (loaded by the application), and no others. */
    public static ClientTls trustStore(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore");
        return new ClientTls(trustStore, null, "a key store");
    }

    /**
     * Uses this SSL context as it is: its trust managers, and its key managers when the server asks
     * for a client certificate. The protocols and the host name check still apply.
     */
    public static ClientTls sslContext(SSLContext sslContext) {
        Objects.requireNonNull(sslContext, "sslContext");
        return new ClientTls(null, sslContext, "an SSL context");
    }

    /** A Jetty client factory for this choice; Jetty checks the host name ("HTTPS" identification) by default. */
    SslContextFactory.Client newSslContextFactory() {
        SslContextFactory.Client factory = new SslContextFactory.Client();
        factory.setIncludeProtocols(PROTOCOLS);
        if (sslContext != null) {
            factory.setSslContext(sslContext);
        } else if (trustStore != null) {
            factory.setTrustStore(trustStore);
        }
        return factory;
    }

    @Override
    public String toString() {
        return "ClientTls[" + description + "]";
    }
}
