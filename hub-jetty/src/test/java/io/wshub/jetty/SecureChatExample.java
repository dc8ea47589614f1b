package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.KeyStoreScanner;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * docs/security.md's example of a hub behind the application's own TLS connector, as it is shown
 * there ({@link SecureChatExampleTest} checks it is the same code); other modules' tests use it as
 * their wss:// server.
 */
public final class SecureChatExample {

    private SecureChatExample() {
    }

    // docs:begin
    public static Server startSecureChat(int port, Path keyStore, String password) throws Exception {
        Server server = new Server();

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());      // PKCS12: the certificate, its chain and its key
        tls.setKeyStorePassword(password);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer(false)); // no Host check: probes come by IP
        ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(https));
        connector.setPort(port);
        server.addConnector(connector);
        HandshakeDeadline.install(connector, Duration.ofSeconds(15));

        // When the keystore file is replaced, new connections get its certificate (checked every second).
        server.addBean(new KeyStoreScanner(tls));

        Hub chat = Hub.builder().handler(RoomProtocol.router().build()).build();
        server.setHandler(WshubHandler.builder(server).mount("/ws", chat).build());
        server.start();
        return server;
    }
    // docs:end

    /** The port a started server listens on. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
