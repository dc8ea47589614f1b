package io.wshub.examples;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
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
 * Warms the upgrade and message paths before the server listens (the {@code warmUp} setting). A
 * fresh JVM runs its first thousands of upgrades in the interpreter while its compilers, on the same
 * cores, compile them: it opens connections at half the rate it reaches a few thousand later, and
 * that is the rate a restarted node takes its clients back at (docs/performance.md, "Opening
 * connections"). Its first seconds of fan-out pay the same way, in latency and CPU.
 *
 * <p>So before the real server starts, a throwaway copy of it (the same endpoints and handlers, on
 * 127.0.0.1 and a free port, without Redis, tracing, TLS, authentication, rate or per-address
 * limits) takes upgrades from a few threads of this process, each closed as soon as it is open;
 * then the traffic of its kind of server ({@link ExampleServer#warmUpTraffic}) through up to a
 * thousand connections held open at once. The copy shares nothing with the server (no hub, room,
 * session or broker), is reachable from this machine only, and is stopped before the server starts.
 */
final class Warmup {

    /** No upgrade starts after this much of the warm-up; those under way end within {@link #EACH} of silence. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** Clients upgrading at once: the warm-up is bound by the CPU, not by waiting, so a few are enough. */
    private static final int CLIENTS = 8;
    /** A masked close frame, 1000: the mask is all zero, which a client may choose (RFC 6455, 5.3). */
    private static final byte[] CLOSE_FRAME = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};
    /** The longest the server may leave one upgrade's connection silent before it is given up. */
    private static final Duration EACH = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {
    }

    /**
     * What a warm-up did.
     *
     * @param completed the upgrades that completed
     * @param failed    the upgrades that failed
     * @param took      how long the upgrades took
     * @param traffic   what the traffic through the connections held open did
     */
    record Result(int completed, int failed, Duration took, TrafficWarmup.Result traffic) {
    }

    /**
     * Makes {@code settings.warmUp()} upgrades, spread over the server's endpoints, to a throwaway
     * copy of the server, within {@link #LIMIT}, then sends its traffic through as many connections
     * (at most the traffic's) within {@link TrafficWarmup#LIMIT}; does nothing when it is 0. Never
     * fails the start: upgrades that fail are counted and the first cause logged, and traffic that
     * cannot start is a warning.
     *
     * @throws ConfigException when the copy's settings are invalid (they are the server's, with
     *                         what would reach outside the process turned off)
     */
    static Result run(ExampleServer kind, Settings settings) throws Exception {
        int upgrades = settings.warmUp();
        if (upgrades == 0) {
            return new Result(0, 0, Duration.ZERO, TrafficWarmup.Result.NONE);
        }
        log.info("warming up: {} upgrades to a copy of the server on a loopback port, then its traffic", upgrades);
        long start = System.nanoTime();
        Result result;
        Runnable loud = Logging.quietHubs();
        try (HubServer copy = HubServer.start(kind, copyOf(kind, settings))) {
            List<URI> endpoints = new ArrayList<>();
            kind.endpoints.keySet().forEach(path -> endpoints.add(URI.create("ws://127.0.0.1:" + copy.port() + path)));
            result = upgrade(endpoints, upgrades, start);
            result = new Result(result.completed, result.failed, result.took, traffic(kind, copy.port(), upgrades));
        } finally {
            loud.run();
        }
        TrafficWarmup.Result traffic = result.traffic;
        log.info("warmed up: {} upgrades in {} ms{}; {} frames through {} connections to {} in {} ms",
                result.completed, result.took.toMillis(), result.failed == 0 ? "" : ", " + result.failed + " failed",
                traffic.sent(), traffic.connections(), kind.warmUpTraffic.path(), traffic.took().toMillis());
        return result;
    }

    /** The traffic through up to {@code upgrades} connections held open; none when it cannot even start. */
    private static TrafficWarmup.Result traffic(ExampleServer kind, int port, int upgrades) {
        try {
            return TrafficWarmup.run(kind.warmUpTraffic, port, Math.min(upgrades, kind.warmUpTraffic.connections()));
        } catch (IOException e) {
            log.warn("warm-up: no traffic through held connections: {}", e.toString());
            return TrafficWarmup.Result.NONE;
        }
    }

    /** The server's settings with everything that reaches outside the process, or refuses the client, turned off. */
    private static Settings copyOf(ExampleServer kind, Settings settings) {
        return settings.but(Map.ofEntries(
                Map.entry(Setting.HOST, "127.0.0.1"), Map.entry(Setting.PORT, "0"), Map.entry(Setting.METRICS_PORT, ""),
                Map.entry(Setting.REDIS, ""), Map.entry(Setting.TRACING, "false"), Map.entry(Setting.ADMIN_PATH, ""),
                Map.entry(Setting.TLS_CERT_FILE, ""), Map.entry(Setting.TLS_KEY_FILE, ""), Map.entry(Setting.TLS_KEY_STORE, ""),
                Map.entry(Setting.JWT_SECRET, ""), Map.entry(Setting.JWT_PUBLIC_KEY, ""), Map.entry(Setting.REQUIRE_AUTH, "false"),
                Map.entry(Setting.MAX_SESSIONS_PER_ADDRESS, "0"), Map.entry(Setting.UPGRADES_PER_SECOND_PER_ADDRESS, "0"),
                Map.entry(Setting.RATE_LIMIT, "0"), Map.entry(Setting.MAX_CONNECTIONS,
                        Integer.toString(Math.max((Integer) settings.get(Setting.MAX_CONNECTIONS), kind.warmUpTraffic.connections() + CLIENTS))),
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
        return new Result(completed.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start), TrafficWarmup.Result.NONE);
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
            OutputStream out = socket.getOutputStream();
            out.write(upgradeRequest(endpoint).getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = responseHead(in);
            if (!switched(head)) {
                throw new IOException("upgrade of " + endpoint + " not answered with 101: "
                        + (head == null ? "nothing" : head.substring(0, Math.min(head.length(), 80))));
            }
            out.write(CLOSE_FRAME);
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // the server's close frame, and anything it sent before it
            }
        }
    }

    /**
     * Reads the head of an upgrade's response, up to the blank line; null when the connection ended
     * before it. What follows the head (the server's first frames) is not kept.
     */
    static String responseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        byte[] buffer = new byte[4096];
        for (int read; head.indexOf("\r\n\r\n") < 0; ) {
            if ((read = in.read(buffer)) < 0) {
                return null;
            }
            head.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
        }
        return head.toString();
    }

    /** Whether a response head (null: none came) switches protocols. */
    static boolean switched(String head) {
        return head != null && head.startsWith("HTTP/1.1 101");
    }

    /** A client's close frame, 1000. */
    static ByteBuffer closeFrame() {
        return ByteBuffer.wrap(CLOSE_FRAME.clone());
    }

    /**
     * An upgrade request with the headers most clients send, the extension offer included: the JIT
     * compiles only the branches it has seen taken, and a client's first upgrade should not find one
     * missing.
     */
    static String upgradeRequest(URI endpoint) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return "GET " + endpoint.getPath() + " HTTP/1.1\r\nHost: " + endpoint.getAuthority()
                + "\r\nUser-Agent: wshub-warm-up\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                + "\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
    }
}
