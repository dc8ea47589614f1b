package io.wshub.jetty;

import io.wshub.Hub;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketExtensionRegistry;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Mounts hubs in an existing Jetty 12 {@link Server}: WebSocket upgrades to a hub's path become
 * sessions of that hub, and every other request goes on to the handler this one wraps (or, inside
 * a {@link Handler.Sequence}, to the next handler). So the hub shares its port with the rest of the
 * application. The health, metrics and admin endpoints are hub-operations' {@code OperationsHandler}.
 *
 * <pre>{@code
 * Server server = new Server(8080);
 * Hub chat = Hub.builder().handler(RoomProtocol.router().build()).build();
 * WshubHandler wshub = WshubHandler.builder(server)
 *         .mount("/ws", chat)
 *         .build();
 * server.setHandler(new Handler.Sequence(wshub, yourOtherHandler));
 * server.start();
 * }</pre>
 *
 * <p>Every upgrade is decided by the hub before any WebSocket frame: a refused origin or
 * authentication, a malformed or taken {@code ?id=}, a client address over its limits, a full hub
 * or one shutting down get their HTTP status (403/401, 400/409, 429 with {@code Retry-After}, 503). The hub's limits are mapped onto Jetty: its maximum message size
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

    private final Server server;
    private final Map<String, Hub> hubs;
    private final Map<String, HubNegotiator> negotiators;
    private final JettyOptions options;
    private final boolean probes;
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
        this.probes = b.probes;
        Map<String, HubNegotiator> n = new LinkedHashMap<>();
        hubs.forEach((path, hub) -> n.put(path, new HubNegotiator(hub.acceptor(), hub.options(), options)));
        this.negotiators = Map.copyOf(n);
        WebSocketExtensionRegistry extensions = new WebSocketExtensionRegistry();
        extensions.register(OutboundDeflate.EXTENSION, HubDeflateExtension.class); // the hub compresses; Jetty inflates
        this.components = new WebSocketComponents(extensions, null, server.getByteBufferPool(), null, null, server.getThreadPool());
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

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HubNegotiator negotiator = negotiators.get(Request.getPathInContext(request));
        if (negotiator != null && UpgradeChecks.refuseMalformed(request, response, callback)) {
            return true;
        }
        if (negotiator != null && handshaker.upgradeRequest(negotiator, request, response, callback, components, null)) {
            return true;
        }
        if (negotiator != null && probes && UpgradeChecks.isProbe(request)) {
            negotiator.probe(request, response, callback);
            return true;
        }
        return super.handle(request, response, callback);
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
        private JettyOptions options = JettyOptions.DEFAULTS;
        private boolean probes;

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
            if (hubs.putIfAbsent(path, hub) != null) {
                throw new IllegalArgumentException("path " + path + " is already mounted");
            }
            return this;
        }

        /** Jetty's own settings; defaults to {@link JettyOptions#DEFAULTS}. */
        public Builder options(JettyOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Whether a plain GET or HEAD of a mounted path (one without {@code Upgrade}) is answered with
         * the status an upgrade with the same request would get — the refusal's (409 for a taken
         * {@code ?id=}, 401, 403, 503 …) or {@code 426 Upgrade Required} when it would be accepted —
         * instead of going on to the next handler. A browser's WebSocket API hides a refused
         * upgrade's status; a page fetches this to tell "name taken" from "server down". A probe is
         * decided, counted and logged like the upgrade it stands for, and what it would have
         * reserved is given back at once. Default false.
         */
        public Builder upgradeProbes(boolean answer) {
            this.probes = answer;
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

        private static void requirePath(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("path must start with / and have no query, was '" + path + "'");
            }
        }
    }
}
