package io.wshub.examples;

import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.HubHandler;
import io.wshub.jetty.HandshakeDeadline;
import io.wshub.jetty.WshubHandler;
import io.wshub.micrometer.HubMetrics;
import io.wshub.operations.OperationsHandler;
import io.wshub.protocol.MessageRouter;
import io.wshub.spi.Broker;
import io.wshub.spi.MetricsListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One running example server: a Jetty server with a hub per path of its {@link ExampleServer}, the
 * health endpoint on {@code /health} (with the probes {@code /health/live} and {@code /health/ready}
 * and, with Redis, the broker's checks), Prometheus metrics on {@code metricsPath} (of the main port
 * or of {@code metricsPort}) unless turned off, the admin endpoint on {@code adminPath} when set,
 * traces when {@code tracing} is on and, for the room server, the chat page on {@code /}; with a JWT
 * key, every path takes only clients with a valid token.
 * Stopping it shuts the hubs down gracefully first (every client gets the shutdown notice where its
 * protocol has one, then close 1001).
 */
final class HubServer implements AutoCloseable {

    /** The start-up lines: logged whatever the level (see {@link Logging}). */
    private static final Logger banner = LoggerFactory.getLogger(Logging.BANNER);

    static final String HEALTH_PATH = "/health";

    private final ExampleServer kind;
    private final Server server;
    private final WshubHandler wshub;
    /** The metrics, when served; closed after the server stopped. */
    private final Optional<ServerMetrics> metrics;
    /** Where the metrics are served, the main connector unless {@code metricsPort} is set. */
    private final ServerConnector metricsConnector;
    private final String metricsPath;
    /** Closed after the server stopped, so that the last spans are exported. */
    private final ServerTracing tracing;
    /** The admin endpoint's path, empty when off. */
    private final String adminPath;
    private final boolean adminOnMetricsPort;
    /** Its expiry timer is stopped after the server stopped. */
    private final ServerAuth auth;

    private HubServer(ExampleServer kind, Server server, WshubHandler wshub, Optional<ServerMetrics> metrics,
                      ServerConnector metricsConnector, String metricsPath, String adminPath, boolean adminOnMetricsPort,
                      ServerTracing tracing, ServerAuth auth) {
        this.kind = kind;
        this.server = server;
        this.wshub = wshub;
        this.metrics = metrics;
        this.metricsConnector = metricsConnector;
        this.metricsPath = metricsPath;
        this.tracing = tracing;
        this.adminPath = adminPath;
        this.adminOnMetricsPort = adminOnMetricsPort;
        this.auth = auth;
    }

    /**
     * Builds and starts the server; {@link #logEndpoints} tells where it listens.
     *
     * @throws ConfigException when the port cannot be bound
     */
    static HubServer start(ExampleServer kind, Settings settings) throws Exception {
        return start(kind, settings, ServerTracing.of(settings, kind));
    }

    /** Builds and starts the server with this tracing, which it closes when it stops (or fails to start). */
    static HubServer start(ExampleServer kind, Settings settings, ServerTracing tracing) throws Exception {
        try {
            requireOwnPaths(kind, settings);
        } catch (ConfigException e) {
            tracing.close();
            throw e;
        }
        Server server = new Server();
        ServerConnector connector = connector(ServerTls.connector(server, settings.tls()), settings.host(), settings.port());
        connector.setAcceptQueueSize(settings.acceptQueueSize());
        limitRequestHeads(connector, settings);
        ServerConnector metricsConnector = settings.metrics() && settings.metricsPort().isPresent()
                ? connector(new ServerConnector(server), settings.host(), settings.metricsPort().getAsInt()) : connector;

        Optional<ServerMetrics> metrics = settings.metrics() ? Optional.of(new ServerMetrics()) : Optional.empty();
        ServerAuth auth = ServerAuth.of(settings);
        // Probes: the chat page learns why an upgrade was refused (a taken name) with a plain GET.
        WshubHandler.Builder builder = WshubHandler.builder(server).options(settings.jettyOptions()).upgradeProbes(true);
        Map<String, Broker> brokers = new LinkedHashMap<>();
        kind.endpoints.forEach((path, handler) -> {
            HubHandler hubHandler = handler.apply(settings, auth);
            // The protocol's own types are told apart in the metrics; a raw handler has none.
            List<String> types = hubHandler instanceof MessageRouter router ? List.copyOf(router.types()) : List.of();
            Optional<HubMetrics> hubMetrics = metrics.map(m -> m.forHub(path, types));
            Broker broker = RedisNode.broker(settings.redis(), path, settings.startupTimeout());
            brokers.put(path, broker);
            HubOptions hubOptions = settings.hubOptions(kind.hasRooms);
            Hub.Builder hubBuilder = Hub.builder();
            RedisNode.deliveryStore(broker, hubOptions).ifPresent(hubBuilder::deliveryStore);
            Hub hub = hubBuilder
                    .options(hubOptions)
                    .originPolicy(settings.originPolicy())
                    .authenticator(auth.authenticator())
                    .handler(hubHandler)
                    .broker(broker)
                    .metrics(hubMetrics.<MetricsListener>map(m -> m).orElse(MetricsListener.NONE))
                    .tracing(tracing.forHub())
                    .build();
            hubMetrics.ifPresent(m -> m.watch(hub));
            builder.mount(path, hub);
        });
        WshubHandler wshub = builder.build();
        OperationsHandler operations = operations(wshub, settings, metrics);
        brokers.forEach((path, broker) -> RedisNode.addChecks(operations, path, broker));
        wshub.setHandler(operations);
        if (kind.servesChatPage) {
            operations.setHandler(new ChatPage());
        }
        server.setHandler(metricsConnector == connector ? wshub
                : new MetricsPort(metricsConnector, metricsPortPaths(settings), wshub));
        HubServer hubServer = new HubServer(kind, server, wshub, metrics, metricsConnector, settings.metricsPath(),
                settings.adminPath(), settings.adminOnMetricsPort(), tracing, auth);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            wshub.shutdownHubs(); // they have no session yet: this only ends their threads
            metrics.ifPresent(ServerMetrics::close);
            tracing.close();
            auth.close();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ConfigException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
            }
            throw e;
        }
        return hubServer;
    }

    /** The health path and its probes, the metrics when on, the admin endpoint when set. */
    private static OperationsHandler operations(WshubHandler wshub, Settings settings, Optional<ServerMetrics> metrics) {
        OperationsHandler.Builder b = OperationsHandler.builder(wshub.hubs()).health(HEALTH_PATH);
        metrics.ifPresent(m -> b.metrics(settings.metricsPath(), ServerMetrics.CONTENT_TYPE, m::scrape));
        if (!settings.adminPath().isEmpty()) {
            if (settings.adminToken().isEmpty()) { // Settings allow this only on the metrics port
                b.adminWithoutToken(settings.adminPath());
            } else {
                b.admin(settings.adminPath(), settings.adminToken());
            }
        }
        return b.build();
    }

    /** The metrics and admin paths must not be the server's own, nor each other. */
    private static void requireOwnPaths(ExampleServer kind, Settings settings) {
        if (settings.metrics()) {
            requireOwnPath(kind, "metricsPath", settings.metricsPath());
        }
        if (!settings.adminPath().isEmpty()) {
            requireOwnPath(kind, "adminPath", settings.adminPath());
            if (settings.metrics() && settings.adminPath().equals(settings.metricsPath())) {
                throw new ConfigException("invalid settings: adminPath and metricsPath are both " + settings.adminPath());
            }
        }
    }

    private static void requireOwnPath(ExampleServer kind, String setting, String path) {
        if (kind.endpoints.containsKey(path) || path.equals(HEALTH_PATH) || path.startsWith(HEALTH_PATH + "/")) {
            throw new ConfigException("invalid settings: " + setting + " " + path + " is taken by the " + kind.command
                    + " server's own paths");
        }
    }

    /** The paths that answer on the metrics port of its own: the metrics, and the admin endpoint when set. */
    private static Set<String> metricsPortPaths(Settings settings) {
        return settings.adminPath().isEmpty() ? Set.of(settings.metricsPath())
                : Set.of(settings.metricsPath(), settings.adminPath());
    }

    /** Slow and oversized request heads: cut at the deadline, refused past the size (431). */
    private static void limitRequestHeads(ServerConnector connector, Settings settings) {
        HandshakeDeadline.install(connector, settings.requestHeadTimeout());
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
                .setRequestHeaderSize(settings.maxHeaderBytes());
    }

    private static ServerConnector connector(ServerConnector connector, String host, int port) {
        connector.setHost(host);
        connector.setPort(port);
        connector.getServer().addConnector(connector);
        return connector;
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The port the metrics are served on: the main one unless {@code metricsPort} is set. */
    int metricsPort() {
        return metricsConnector.getLocalPort();
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
        try {
            server.stop();
        } finally {
            metrics.ifPresent(ServerMetrics::close);
            tracing.close();
            auth.close();
        }
    }

    /** Logs where the server listens: its endpoints, chat page, health, metrics and admin paths. */
    void logEndpoints() {
        String host = ((ServerConnector) server.getConnectors()[0]).getHost();
        String shown = host == null || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        String base = shown + ":" + port();
        boolean tls = ServerTls.isSecure(server.getConnectors()[0]);
        String ws = tls ? "wss" : "ws";
        String http = tls ? "https" : "http";
        banner.info("{} listening on port {}", kind.description, port());
        kind.endpoints.keySet().forEach(path -> banner.info("  WebSocket  {}://{}{}", ws, base, path));
        if (kind.servesChatPage) {
            banner.info("  chat page  {}://{}/", http, base);
        }
        banner.info("  health     {}://{}{} (probes {}/live, {}/ready)", http, base, HEALTH_PATH, HEALTH_PATH, HEALTH_PATH);
        if (metrics.isPresent()) {
            banner.info("  metrics    {}://{}:{}{}", metricsConnector == server.getConnectors()[0] ? http : "http", shown,
                    metricsPort(), metricsPath);
        }
        if (!adminPath.isEmpty()) {
            banner.info("  admin      {}://{}:{}{}", adminOnMetricsPort ? "http" : http, shown,
                    adminOnMetricsPort ? metricsPort() : port(), adminPath);
        }
    }
}
