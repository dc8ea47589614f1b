package io.wshub.jetty;

import io.wshub.HealthChecks;
import io.wshub.Hub;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Mounts hubs in an existing Jetty 12 {@link Server}: WebSocket upgrades to a hub's path become
 * sessions of that hub, an optional health path answers with the node's health (and its
 * {@code /live} and {@code /ready} probes), an optional metrics path with the text a metrics
 * registry renders (Prometheus's, say), an optional admin path with the sessions furthest behind,
 * and every other request goes on to the handler this one wraps (or, inside a
 * {@link Handler.Sequence}, to the next handler). So the hub shares its port with the rest of the application.
 *
 * <pre>{@code
 * Server server = new Server(8080);
 * Hub chat = Hub.builder().handler(RoomProtocol.router().build()).build();
 * WshubHandler wshub = WshubHandler.builder(server)
 *         .mount("/ws", chat)
 *         .health("/health")
 *         .build();
 * server.setHandler(new Handler.Sequence(wshub, yourOtherHandler));
 * server.start();
 * }</pre>
 *
 * <p>Every upgrade is decided by the hub before any WebSocket frame: a refused origin or
 * authentication, a malformed or taken {@code ?id=}, a full hub or one shutting down get their HTTP
 * status (403/401, 400/409, 503). The hub's limits are mapped onto Jetty: its maximum message size
 * is Jetty's (a larger message closes with 1009), and Jetty's idle timeout is set above the hub's
 * heartbeat and write timeouts so that the hub's own checks decide.
 *
 * <p>The handler owns the lifecycle of its hubs. When the server starts stopping, before Jetty
 * closes anything, the handler shuts every hub down gracefully (notice and close 1001 to every
 * session, queues drained within the hub's grace period) and waits for that to finish; only then
 * does Jetty go on to close its connections. So {@code server.stop()} is all an application calls,
 * whatever the server's stop timeout.
 *
 * <p>Sessions run on Jetty's core WebSocket API ({@code websocket-core}), not on its annotated
 * endpoints, which keep the whole upgrade exchange alive for each connection.
 */
public final class WshubHandler extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(WshubHandler.class);

    /**
     * Beyond the hubs' grace period, the time a hub's shutdown may still take: it drops the
     * connections left at the end of the grace period and waits up to a second for them to report.
     */
    static final long SHUTDOWN_SLACK_MILLIS = 3_000;
    /** The liveness probe's path below the health path. */
    static final String LIVE = "/live";
    /** The readiness probe's path below the health path. */
    static final String READY = "/ready";

    private final Server server;
    private final Map<String, Hub> hubs;
    private final Map<String, HubNegotiator> negotiators;
    private final String healthPath;
    private final HealthChecks healthChecks;
    private final HealthHandler health;
    private final HealthHandler live;
    private final HealthHandler ready;
    private final String adminPath;
    private final SlowSessionsHandler admin;
    private final String metricsPath;
    private final HttpField metricsType;
    private final Supplier<String> metricsText;
    private final JettyOptions options;
    private final Handshaker handshaker = Handshaker.newInstance();
    /** Jetty's WebSocket extensions and compression pools, on the server's buffers and threads. */
    private final WebSocketComponents components;
    private final LifeCycle.Listener shutDownHubsFirst = new LifeCycle.Listener() {
        @Override
        public void lifeCycleStopping(LifeCycle event) {
            awaitHubsShutDown();
        }
    };

    private WshubHandler(Builder b) {
        this.server = b.server;
        this.hubs = Collections.unmodifiableMap(new LinkedHashMap<>(b.hubs));
        this.options = b.options;
        Map<String, HubNegotiator> n = new LinkedHashMap<>();
        hubs.forEach((path, hub) -> n.put(path, new HubNegotiator(hub.acceptor(), hub.options(), options)));
        this.negotiators = Map.copyOf(n);
        this.healthPath = b.healthPath;
        this.healthChecks = HubChecks.of(hubs);
        this.health = new HealthHandler(hubs, healthChecks, HealthHandler.Probe.REPORT);
        this.live = new HealthHandler(hubs, healthChecks, HealthHandler.Probe.LIVE);
        this.ready = new HealthHandler(hubs, healthChecks, HealthHandler.Probe.READY);
        this.adminPath = b.adminPath;
        this.admin = b.adminPath == null ? null : new SlowSessionsHandler(hubs, b.adminToken);
        this.metricsPath = b.metricsPath;
        this.metricsType = b.metricsPath == null ? null : new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, b.metricsType);
        this.metricsText = b.metricsText;
        this.components = new WebSocketComponents(null, null, server.getByteBufferPool(), null, null, server.getThreadPool());
        components.unmanage(server.getByteBufferPool()); // the server's own, started and stopped by it
        components.unmanage(server.getThreadPool());
        addBean(components);
        server.addEventListener(shutDownHubsFirst);
    }

    /** A builder for a handler in this server. */
    public static Builder builder(Server server) {
        return new Builder(server);
    }

    /** The mounted hubs by path, in mount order. */
    public Map<String, Hub> hubs() {
        return hubs;
    }

    /**
     * The named checks the health path and its readiness probe run: one {@code hub:PATH} per
     * mounted hub to begin with; add a broker's or the application's own, or remove them, at any
     * time.
     */
    public HealthChecks healthChecks() {
        return healthChecks;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (healthPath != null && path.startsWith(healthPath)) {
            HealthHandler probe = path.length() == healthPath.length() ? health
                    : path.equals(healthPath + LIVE) ? live : path.equals(healthPath + READY) ? ready : null;
            if (probe != null) {
                return probe.handle(request, response, callback);
            }
        }
        if (admin != null && path.equals(adminPath)) {
            return admin.handle(request, response, callback);
        }
        if (metricsText != null && path.equals(metricsPath)) {
            return serveMetrics(request, response, callback);
        }
        HubNegotiator negotiator = negotiators.get(path);
        if (negotiator != null && UpgradeChecks.refuseMalformed(request, response, callback)) {
            return true;
        }
        if (negotiator != null && handshaker.upgradeRequest(negotiator, request, response, callback, components, null)) {
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** Answers GET and HEAD with the metrics text, rendered for this request. */
    private boolean serveMetrics(Request request, Response response, Callback callback) {
        if (!HttpAnswers.refusedUnlessRead(request, response, callback)) {
            HttpAnswers.write(request, response, callback, HttpStatus.OK_200, metricsType,
                    metricsText.get().getBytes(StandardCharsets.UTF_8));
        }
        return true;
    }

    /**
     * Starts every hub's graceful shutdown, for an application that drains the hubs before it stops
     * the server; stopping the server does this by itself.
     *
     * @return completes when every hub has shut down
     */
    public CompletableFuture<Void> shutdownHubs() {
        return CompletableFuture.allOf(hubs.values().stream().map(Hub::shutdown).toArray(CompletableFuture[]::new));
    }

    /** Shuts the hubs down (at once when the server's stop already did) and removes the stop hook. */
    @Override
    protected void doStop() throws Exception {
        awaitHubsShutDown();
        server.removeEventListener(shutDownHubsFirst);
        super.doStop();
    }

    /** Shuts the hubs down and waits, at most their longest grace period and the slack. */
    private void awaitHubsShutDown() {
        try {
            shutdownHubs().get(longestGrace().toMillis() + SHUTDOWN_SLACK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("hubs did not finish shutting down: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Duration longestGrace() {
        return hubs.values().stream().map(h -> h.options().shutdownGrace()).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Builds a {@link WshubHandler}. */
    public static final class Builder {
        private final Server server;
        private final Map<String, Hub> hubs = new LinkedHashMap<>();
        private String healthPath;
        private String metricsPath;
        private String adminPath;
        private String adminToken;
        private String metricsType;
        private Supplier<String> metricsText;
        private JettyOptions options = JettyOptions.DEFAULTS;

        private Builder(Server server) {
            this.server = Objects.requireNonNull(server, "server");
        }

        /**
         * Serves this hub on this exact path (e.g. {@code /ws}): upgrades to it become its sessions.
         *
         * @throws IllegalArgumentException when the path does not start with {@code /} or is taken
         */
        public Builder mount(String path, Hub hub) {
            requirePath(path);
            Objects.requireNonNull(hub, "hub");
            requireFree(path, null);
            hubs.put(path, hub);
            return this;
        }

        /**
         * Serves the {@link HealthHandler} on this exact path (e.g. {@code /health}), the liveness
         * probe on {@code PATH/live} and the readiness probe on {@code PATH/ready}; off by default.
         * Liveness answers 200 while the process works (503 only while a hub's own threads are
         * stalled); readiness answers 200 only while the node should get traffic (503 while a hub
         * shuts down or is stalled, its broker is down or has not joined its cluster, or any of
         * {@link WshubHandler#healthChecks()} is down). Both answer JSON: {@code status} and {@code reasons}.
         */
        public Builder health(String path) {
            requirePath(path);
            requireFree(path, healthPath);
            requireFree(path + LIVE, healthPath == null ? null : healthPath + LIVE);
            requireFree(path + READY, healthPath == null ? null : healthPath + READY);
            this.healthPath = path;
            return this;
        }

        /**
         * Serves the admin endpoint on this exact path, behind this bearer token: a GET with
         * {@code Authorization: Bearer TOKEN} answers with the sessions furthest behind over all
         * hubs (most bytes queued first, then most messages; {@code ?n=} of them, 1 to 1000,
         * default 10) as JSON: hub, id, remote address, rooms, queued messages and bytes,
         * messages dropped, time connected. A missing or wrong token gets 401, a bad {@code n}
         * 400. Off by default. The answer names clients and their addresses: keep the token secret.
         *
         * @throws IllegalArgumentException when the token is blank
         */
        public Builder admin(String path, String token) {
            Objects.requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new IllegalArgumentException("the admin token must not be blank");
            }
            setAdmin(path);
            this.adminToken = token;
            return this;
        }

        /**
         * Serves the admin endpoint (see {@link #admin(String, String)}) on this path without a
         * token, to anyone who reaches the path. Only for a port of its own that the public cannot
         * reach (the metrics port of a private network, say): route the path to that connector
         * alone.
         */
        public Builder adminWithoutToken(String path) {
            setAdmin(path);
            this.adminToken = null;
            return this;
        }

        private void setAdmin(String path) {
            requirePath(path);
            requireFree(path, adminPath);
            this.adminPath = path;
        }

        /**
         * Serves metrics on this exact path (e.g. {@code /metrics}): a GET answers with the text
         * {@code text} renders at that moment, with this content type. Off by default. hub-jetty
         * depends on no metrics library; with Micrometer's Prometheus registry:
         *
         * <pre>{@code
         * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
         * WshubHandler.builder(new Server())
         *         .mount("/ws", Hub.builder().build())
         *         .metrics("/metrics", "text/plain; version=0.0.4; charset=utf-8", registry::scrape)
         *         .build();
         * }</pre>
         *
         * @param text renders the metrics; called on a Jetty thread for each request, so it must
         *             not block for long
         */
        public Builder metrics(String path, String contentType, Supplier<String> text) {
            requirePath(path);
            requireFree(path, metricsPath);
            this.metricsPath = path;
            this.metricsType = Objects.requireNonNull(contentType, "contentType");
            this.metricsText = Objects.requireNonNull(text, "text");
            return this;
        }

        /** Jetty's own settings; defaults to {@link JettyOptions#DEFAULTS}. */
        public Builder options(JettyOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The handler.
         *
         * @throws IllegalStateException when no hub is mounted
         */
        public WshubHandler build() {
            if (hubs.isEmpty()) {
                throw new IllegalStateException("mount at least one hub");
            }
            return new WshubHandler(this);
        }

        /** Throws when a hub or another endpoint than {@code replaced} (the one being set again) has the path. */
        private void requireFree(String path, String replaced) {
            boolean endpoint = path.equals(healthPath) || path.equals(metricsPath) || path.equals(adminPath)
                    || (healthPath != null && (path.equals(healthPath + LIVE) || path.equals(healthPath + READY)));
            if (hubs.containsKey(path) || (endpoint && !path.equals(replaced))) {
                throw new IllegalArgumentException("path " + path + " is already mounted");
            }
        }

        private static void requirePath(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("path must start with / and have no query, was '" + path + "'");
            }
        }
    }
}
