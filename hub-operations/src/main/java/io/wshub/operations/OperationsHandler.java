package io.wshub.operations;

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

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The operations endpoints of a node, for a Jetty 12 server: the health report and its
 * {@code /live} and {@code /ready} probes, the metrics text a registry renders (Prometheus's, say)
 * and the admin endpoint with the sessions furthest behind. Each is off until given a path; every
 * other request goes on to the handler this one wraps (or, inside a {@link Handler.Sequence}, to
 * the next handler). It reports the hubs it is built with, typically the ones a
 * {@code WshubHandler} mounts:
 *
 * <pre>{@code
 * Server server = new Server(8080);
 * WshubHandler wshub = WshubHandler.builder(server)
 *         .mount("/ws", Hub.builder().handler(RoomProtocol.router().build()).build())
 *         .build();
 * OperationsHandler operations = OperationsHandler.builder(wshub.hubs())
 *         .health("/health")
 *         .build();
 * server.setHandler(new Handler.Sequence(wshub, operations, yourOtherHandler));
 * }</pre>
 *
 * <p>Every endpoint answers GET and HEAD only (405 otherwise), is never cached
 * ({@code Cache-Control: no-store}) and does no blocking work on Jetty's threads: the health
 * checks run on their own threads.
 */
public final class OperationsHandler extends Handler.Wrapper {

    /** The liveness probe's path below the health path. */
    static final String LIVE = "/live";
    /** The readiness probe's path below the health path. */
    static final String READY = "/ready";

    private final HealthChecks healthChecks;
    /** Every endpoint by its exact path. */
    private final Map<String, Handler> endpoints;

    private OperationsHandler(Builder b) {
        this.healthChecks = HubChecks.of(b.hubs);
        Map<String, Handler> e = new HashMap<>();
        if (b.healthPath != null) {
            e.put(b.healthPath, new HealthHandler(b.hubs, healthChecks, HealthHandler.Probe.REPORT));
            e.put(b.healthPath + LIVE, new HealthHandler(b.hubs, healthChecks, HealthHandler.Probe.LIVE));
            e.put(b.healthPath + READY, new HealthHandler(b.hubs, healthChecks, HealthHandler.Probe.READY));
        }
        if (b.adminPath != null) {
            e.put(b.adminPath, new SlowSessionsHandler(b.hubs, b.adminToken));
        }
        if (b.metricsPath != null) {
            e.put(b.metricsPath, new MetricsHandler(b.metricsType, b.metricsText));
        }
        this.endpoints = Map.copyOf(e);
        endpoints.values().forEach(this::addBean);
    }

    /**
     * A builder reporting these hubs.
     *
     * @param hubs the hubs by name, in the order to list them; their mount paths (as
     *             {@code WshubHandler.hubs()} gives them) are names no endpoint may take
     */
    public static Builder builder(Map<String, Hub> hubs) {
        return new Builder(hubs);
    }

    /**
     * The named checks the health path and its readiness probe run: one {@code hub:NAME} per hub
     * to begin with; add a broker's or the application's own, or remove them, at any time.
     */
    public HealthChecks healthChecks() {
        return healthChecks;
    }

    /** The endpoints are beans, not children: they learn the server from here (Jetty warns at start otherwise). */
    @Override
    public void setServer(Server server) {
        super.setServer(server);
        endpoints.values().forEach(endpoint -> endpoint.setServer(server));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler endpoint = endpoints.get(Request.getPathInContext(request));
        if (endpoint != null) {
            return endpoint.handle(request, response, callback);
        }
        return super.handle(request, response, callback);
    }

    /** Answers GET and HEAD with the metrics text, rendered for each request. */
    private static final class MetricsHandler extends Handler.Abstract.NonBlocking {
        private final HttpField contentType;
        private final Supplier<String> text;

        MetricsHandler(String contentType, Supplier<String> text) {
            this.contentType = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, contentType);
            this.text = text;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!HttpAnswers.refusedUnlessRead(request, response, callback)) {
                HttpAnswers.write(request, response, callback, HttpStatus.OK_200, contentType,
                        text.get().getBytes(StandardCharsets.UTF_8));
            }
            return true;
        }
    }

    /** Builds an {@link OperationsHandler}. */
    public static final class Builder {
        private final Map<String, Hub> hubs;
        private String healthPath;
        private String metricsPath;
        private String metricsType;
        private Supplier<String> metricsText;
        private String adminPath;
        private String adminToken;
        /** The endpoint ({@code health}, {@code metrics}, {@code admin}) of each path given. */
        private final Map<String, String> owners = new HashMap<>();

        private Builder(Map<String, Hub> hubs) {
            this.hubs = new LinkedHashMap<>(Objects.requireNonNull(hubs, "hubs"));
        }

        /**
         * Serves the health report on this exact path (e.g. {@code /health}), the liveness probe on
         * {@code PATH/live} and the readiness probe on {@code PATH/ready}. The report is JSON (see
         * {@link HealthHandler}); liveness answers 200 while the process works (503 only while a
         * hub's own threads are stalled); readiness answers 200 only while the node should get
         * traffic (503 while a hub shuts down or is stalled, its broker is down or has not joined
         * its cluster, or any of {@link OperationsHandler#healthChecks()} is down). Both probes
         * answer JSON: {@code status} and {@code reasons}.
         *
         * @throws IllegalArgumentException when the path (or a probe's) is malformed or taken
         */
        public Builder health(String path) {
            claim("health", path, path + LIVE, path + READY);
            healthPath = path;
            return this;
        }

        /**
         * Serves metrics on this exact path (e.g. {@code /metrics}): a GET answers with the text
         * {@code text} renders at that moment, with this content type. This module depends on no
         * metrics library; with Micrometer's Prometheus registry:
         *
         * <pre>{@code
         * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
         * OperationsHandler.builder(Map.of("/ws", Hub.builder().build()))
         *         .metrics("/metrics", "text/plain; version=0.0.4; charset=utf-8", registry::scrape)
         *         .build();
         * }</pre>
         *
         * @param text renders the metrics; called on a Jetty thread for each request, so it must
         *             not block for long
         * @throws IllegalArgumentException when the path is malformed or taken
         */
        public Builder metrics(String path, String contentType, Supplier<String> text) {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(text, "text");
            claim("metrics", path);
            metricsPath = path;
            metricsType = contentType;
            metricsText = text;
            return this;
        }

        /**
         * Serves the admin endpoint on this exact path, behind this bearer token: a GET with
         * {@code Authorization: Bearer TOKEN} answers with the sessions furthest behind over all
         * hubs (most bytes queued first, then most messages; {@code ?n=} of them, 1 to 1000,
         * default 10) as JSON: hub, id, remote address, rooms, queued messages and bytes,
         * messages dropped, time connected. A missing or wrong token gets 401, a bad {@code n}
         * 400. The answer names clients and their addresses: keep the token secret.
         *
         * @throws IllegalArgumentException when the token is blank, or the path malformed or taken
         */
        public Builder admin(String path, String token) {
            Objects.requireNonNull(token, "token");
            if (token.isBlank()) {
                throw new IllegalArgumentException("the admin token must not be blank");
            }
            setAdmin(path);
            adminToken = token;
            return this;
        }

        /**
         * Serves the admin endpoint (see {@link #admin(String, String)}) on this path without a
         * token, to anyone who reaches the path. Only for a port of its own that the public cannot
         * reach (the metrics port of a private network, say): route the path to that connector
         * alone.
         *
         * @throws IllegalArgumentException when the path is malformed or taken
         */
        public Builder adminWithoutToken(String path) {
            setAdmin(path);
            adminToken = null;
            return this;
        }

        private void setAdmin(String path) {
            claim("admin", path);
            adminPath = path;
        }

        /** The handler, serving the endpoints given paths (none: it only passes requests on). */
        public OperationsHandler build() {
            return new OperationsHandler(this);
        }

        /**
         * Gives these paths to this endpoint, in place of the ones it had.
         *
         * @throws IllegalArgumentException when a path is malformed, or a hub's or another endpoint's
         */
        private void claim(String endpoint, String... paths) {
            for (String path : paths) {
                Objects.requireNonNull(path, "path");
                if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                    throw new IllegalArgumentException("path must start with / and have no query, was '" + path + "'");
                }
                String owner = owners.get(path);
                if (hubs.containsKey(path) || (owner != null && !owner.equals(endpoint))) {
                    throw new IllegalArgumentException("path " + path + " is already taken");
                }
            }
            owners.values().removeIf(endpoint::equals);
            for (String path : paths) {
                owners.put(path, endpoint);
            }
        }
    }
}
