package io.wshub.examples;

import io.wshub.jetty.WshubConnector;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;

/**
 * The example servers' main connector: plain, or TLS 1.2 and 1.3 only (wss://, https://) with the
 * certificate of the TLS settings, reloaded by a {@link CertificateWatcher} when its files change.
 * The watcher is a bean of the connector's TLS factory, so it starts and stops with the server.
 */
final class ServerTls {

    private static final Logger banner = LoggerFactory.getLogger(Logging.BANNER);
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996); the JDK disables them too, but that is a JDK setting. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTls() {
    }

    /** A connector of the server (not yet added to it): plain without TLS settings, else TLS only. */
    static ServerConnector connector(Server server, Optional<TlsSettings> tls) {
        if (tls.isEmpty()) {
            return new WshubConnector(server);
        }
        TlsSettings settings = tls.get();
        SslContextFactory.Server context = new SslContextFactory.Server();
        context.setKeyStore(settings.certificate().keyStore());
        context.setKeyStorePassword(ServerCertificate.PASSWORD);
        context.setIncludeProtocols(PROTOCOLS);
        HttpConfiguration http = new HttpConfiguration();
        // Not the default SNI host check: it answers 400 to a Host that the certificate does not name,
        // such as the pod IP of a Kubernetes HTTPS probe; clients check the name themselves.
        http.addCustomizer(new SecureRequestCustomizer(false));
        SslConnectionFactory ssl = new SslConnectionFactory(context, HttpVersion.HTTP_1_1.asString());
        if (!settings.reloadInterval().isZero()) {
            ssl.addManaged(new CertificateWatcher(settings.files(), settings.certificate(), context,
                    settings.reloadInterval()));
        }
        banner.info("TLS {} from {}, {}", settings.certificate().describe(), settings.files().describe(),
                settings.reloadInterval().isZero() ? "not reloaded" : "checked for changes every " + settings.reloadInterval());
        warnIfInvalid(settings.certificate());
        return new ServerConnector(server, ssl, new HttpConnectionFactory(http));
    }

    /** Whether the connector speaks TLS. */
    static boolean isSecure(Connector connector) {
        return connector.getConnectionFactory(SslConnectionFactory.class) != null;
    }

    /** Loaded all the same (a restart would not help): the operator must hear of it. */
    static void warnIfInvalid(ServerCertificate certificate) {
        String invalid = certificate.invalidAt(Instant.now());
        if (invalid != null) {
            log.warn("TLS certificate {}: {}; clients will refuse it", certificate.describe(), invalid);
        }
    }
}
