package io.wshub.examples;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Warms the upgrade path before the server listens (the {@code warmUp} setting). A fresh JVM runs
 * its first thousands of upgrades in the interpreter while its compilers, on the same cores, compile
 * them: it opens connections at half the rate it reaches a few thousand later, and that is the rate
 * a restarted node takes its clients back at (docs/performance.md, "Opening connections").
 *
 * <p>So before the real server starts, a throwaway copy of it (the same endpoints and handlers, on
 * 127.0.0.1 and a free port, without Redis, tracing, TLS, authentication or per-address limits)
 * takes upgrades from a few threads of this process. Each upgrade closes as soon as it is open: a
 * message would need to suit each endpoint's protocol. The copy shares nothing with the server (no
 * hub, room, session or broker), is reachable from this machine only, and is stopped before the
 * server starts.
 */
final class UpgradeWarmup {

    /** No upgrade starts after this much of the warm-up; those under way end within {@link #EACH} of silence. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** Clients upgrading at once: the warm-up is bound by the CPU, not by waiting, so a few are enough. */
    private static final int CLIENTS = 8;
    /** A masked close frame, 1000: the mask is all zero, which a client may choose (RFC 6455, 5.3). */
    private static final byte[] CLOSE_FRAME = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};
    /** The longest the server may leave one upgrade's connection silent before it is given up. */
    private static final Duration EACH = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(UpgradeWarmup.class);

    private UpgradeWarmup() {
    }

    /** What a warm-up did. */
    record Result(int completed, int failed, Duration took) {
    }

    /**
     * Makes {@code settings.warmUp()} upgrades, spread over the server's endpoints, to a throwaway
     * copy of the server, within {@link #LIMIT}; does nothing when it is 0. Never fails the start:
     * upgrades that fail are counted and the first cause logged.
     *
     * @throws ConfigException when the copy's settings are invalid (they are the server's, with
     *                         what would reach outside the process turned off)
     */
    static Result run(ExampleServer kind, Settings settings) throws Exception {
        int upgrades = settings.warmUp();
        if (upgrades == 0) {
            return new Result(0, 0, Duration.ZERO);
        }
        log.info("warming up the upgrade path: {} upgrades to a copy of the server on a loopback port", upgrades);
        long start = System.nanoTime();
        Result result;
        Runnable loud = Logging.quietHubs();
        try (HubServer copy = HubServer.start(kind, copyOf(settings))) {
            List<URI> endpoints = new ArrayList<>();
            kind.endpoints.keySet().forEach(path -> endpoints.add(URI.create("ws://127.0.0.1:" + copy.port() + path)));
            result = upgrade(endpoints, upgrades, start);
        } finally {
            loud.run();
        }
        log.info("warmed up: {} upgrades in {} ms{}", result.completed, result.took.toMillis(),
                result.failed == 0 ? "" : ", " + result.failed + " failed");
        return result;
    }

    /** The server's settings with everything that reaches outside the process, or refuses the client, turned off. */
    private static Settings copyOf(Settings settings) {
        return settings.but(Map.ofEntries(
                Map.entry(Setting.HOST, "127.0.0.1"), Map.entry(Setting.PORT, "0"), Map.entry(Setting.METRICS_PORT, ""),
                Map.entry(Setting.REDIS, ""), Map.entry(Setting.TRACING, "false"), Map.entry(Setting.ADMIN_PATH, ""),
                Map.entry(Setting.TLS_CERT_FILE, ""), Map.entry(Setting.TLS_KEY_FILE, ""), Map.entry(Setting.TLS_KEY_STORE, ""),
                Map.entry(Setting.JWT_SECRET, ""), Map.entry(Setting.JWT_PUBLIC_KEY, ""), Map.entry(Setting.REQUIRE_AUTH, "false"),
                Map.entry(Setting.MAX_SESSIONS_PER_ADDRESS, "0"), Map.entry(Setting.UPGRADES_PER_SECOND_PER_ADDRESS, "0"),
                Map.entry(Setting.SHUTDOWN_GRACE, "0s"), Map.entry(Setting.SHUTDOWN_CLOSE_RATE, "0"),
                Map.entry(Setting.WARM_UP, "0")));
    }

    private static Result upgrade(List<URI> endpoints, int upgrades, long start) throws InterruptedException {
        long deadline = start + LIMIT.toNanos();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, r -> {
            Thread t = new Thread(r, "wshub-warm-up");
            t.setDaemon(true);
            return t;
        });
        for (int c = 0; c < CLIENTS; c++) {
            clients.execute(() -> {
                for (int i; (i = next.getAndIncrement()) < upgrades && System.nanoTime() < deadline; ) {
                    try {
                        once(endpoints.get(i % endpoints.size()));
                        completed.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }
            });
        }
        clients.shutdown();
        // Each client stops taking upgrades at the deadline; a connection still open after this wait
        // is closed when the copy stops (its thread, a daemon, then ends).
        if (!clients.awaitTermination(LIMIT.plus(EACH).toNanos(), TimeUnit.NANOSECONDS)) {
            log.warn("warm-up: some upgrades to the copy of the server still unanswered after {}", LIMIT.plus(EACH));
        }
        if (firstFailure.get() != null && completed.get() == 0) {
            log.warn("warm-up: no upgrade to the copy of the server succeeded; the first failure: {}", firstFailure.get().toString());
        }
        return new Result(completed.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * One upgrade, over a blocking socket: the request, the 101, a close frame, then whatever the
     * server sends until it closes. Written out rather than made with a WebSocket client: the JDK's
     * is slower than the server it warms, and Jetty's would share Jetty's code, and its profile,
     * with the server.
     *
     * @throws IOException when the server does not answer 101, or falls silent for {@link #EACH}
     */
    private static void once(URI endpoint) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), (int) EACH.toMillis());
            socket.setSoTimeout((int) EACH.toMillis());
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            // The headers most clients send, the extension offer included: the JIT compiles only the
            // branches it has seen taken, and a client's first upgrade should not find one missing.
            String request = "GET " + endpoint.getPath() + " HTTP/1.1\r\nHost: " + endpoint.getAuthority()
                    + "\r\nUser-Agent: wshub-warm-up\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                    + "\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int read = in.read(buffer);
            if (read < 12 || !new String(buffer, 0, 12, StandardCharsets.US_ASCII).equals("HTTP/1.1 101")) {
                throw new IOException("upgrade of " + endpoint + " not answered with 101: "
                        + (read <= 0 ? "nothing" : new String(buffer, 0, Math.min(read, 80), StandardCharsets.US_ASCII)));
            }
            out.write(CLOSE_FRAME);
            while (in.read(buffer) >= 0) {
                // the server's close frame, and anything it sent before it
            }
        }
    }
}
