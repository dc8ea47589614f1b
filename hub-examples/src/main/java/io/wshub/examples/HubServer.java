package io.wshub.examples;

import io.wshub.Hub;
import io.wshub.jetty.WshubHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.util.Map;

/**
 * One running example server: a Jetty server with a hub per path of its {@link ExampleServer}, the
 * health endpoint on {@code /health} and, for the room server, the chat page on {@code /}.
 * Stopping it shuts the hubs down gracefully first (every client gets the shutdown notice where its
 * protocol has one, then close 1001).
 */
final class HubServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HubServer.class);

    static final String HEALTH_PATH = "/health";

    private final ExampleServer kind;
    private final Server server;
    private final WshubHandler wshub;

    private HubServer(ExampleServer kind, Server server, WshubHandler wshub) {
        this.kind = kind;
        this.server = server;
        this.wshub = wshub;
    }

    /**
     * Builds and starts the server.
     *
     * @throws ConfigException when the port cannot be bound
     */
    static HubServer start(ExampleServer kind, Settings settings) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setAcceptQueueSize(settings.acceptQueueSize());
        server.addConnector(connector);

        WshubHandler.Builder builder = WshubHandler.builder(server).options(settings.jettyOptions()).health(HEALTH_PATH);
        kind.endpoints.forEach((path, handler) -> builder.mount(path, Hub.builder()
                .options(settings.hubOptions())
                .originPolicy(settings.originPolicy())
                .handler(handler.apply(settings))
                .broker(RedisNode.broker(settings.redis(), path))
                .build()));
        WshubHandler wshub = builder.build();
        if (kind.servesChatPage) {
            wshub.setHandler(new ChatPage());
        }
        server.setHandler(wshub);
        HubServer hubServer = new HubServer(kind, server, wshub);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            wshub.shutdownHubs(); // they have no session yet: this only ends their threads
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ConfigException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
            }
            throw e;
        }
        hubServer.logEndpoints();
        return hubServer;
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The mounted hubs by path. */
    Map<String, Hub> hubs() {
        return wshub.hubs();
    }

    Server jetty() {
        return server;
    }

    /** Stops Jetty when the JVM is asked to exit (SIGTERM, Ctrl-C), gracefully. */
    HubServer stopOnExit() {
        server.setStopAtShutdown(true);
        return this;
    }

    /** Waits until the server has stopped. */
    void join() throws InterruptedException {
        server.join();
    }

    /** Stops gracefully: the hubs shut down first, then Jetty. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    private void logEndpoints() {
        String host = ((ServerConnector) server.getConnectors()[0]).getHost();
        String shown = host == null || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        String base = shown + ":" + port();
        log.info("{} listening on port {}", kind.description, port());
        kind.endpoints.keySet().forEach(path -> log.info("  WebSocket  ws://{}{}", base, path));
        if (kind.servesChatPage) {
            log.info("  chat page  http://{}/", base);
        }
        log.info("  health     http://{}{}", base, HEALTH_PATH);
    }
}
