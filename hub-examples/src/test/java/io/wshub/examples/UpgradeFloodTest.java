package io.wshub.examples;

import io.wshub.jetty.TestClient;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One source address (127.0.0.1) tries thousands of upgrades a second against the echo server,
 * holding every session it gets, and is held off by the per-address limits with 429s; meanwhile
 * clients from ten other loopback addresses (127.0.0.2 ... 127.0.0.11; Linux routes all of 127/8
 * to loopback) connect and echo as usual. Behaviour is asserted, never speed: every flood upgrade
 * is answered 101 or 429, the flooder gets no more than its limits allow, every other client is
 * upgraded and echoed within the test client's bound. The figures (upgrades tried and refused,
 * the other addresses' worst connect latency) are printed for docs/security.md.
 *
 * <p>Run bigger or with the example server's default limits:
 * {@code -Dwshub.flood.upgrades=50000 -Dwshub.flood.defaults=true}.
 */
class UpgradeFloodTest {

    /** The limits an operator who expects abuse sets; the test's own figures are for these. */
    private static final int MAX_SESSIONS = 100;
    private static final double RATE = 10;
    private static final int BURST = 20;
    private static final int FLOOD_UPGRADES = Integer.getInteger("wshub.flood.upgrades", 20_000);
    private static final boolean EXAMPLE_DEFAULTS = Boolean.getBoolean("wshub.flood.defaults");
    private static final int FLOOD_THREADS = Integer.getInteger("wshub.flood.threads", 8);
    private static final int OTHER_ADDRESSES = 10;
    /** Between the rounds of one well-behaved client: well under the rate its address may have. */
    private static final Duration PAUSE = Duration.ofMillis(250);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^Content-Length: *(\\d+)$");
    private static final byte[] UPGRADE_REQUEST = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private HubServer server;

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        for (Socket s : held) {
            s.close();
        }
        for (WebSocketClient c : clients) {
            c.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    /** What the flood's upgrades got. */
    private static final class Outcomes {
        final LongAdder tried = new LongAdder();
        final LongAdder upgraded = new LongAdder();
        final LongAdder refusedRate = new LongAdder();     // 429, Retry-After of the bucket
        final LongAdder refusedSessions = new LongAdder(); // 429, the session limit's Retry-After: 10
        final ConcurrentLinkedQueue<String> other = new ConcurrentLinkedQueue<>();

        long refused() {
            return refusedRate.sum() + refusedSessions.sum();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandsOfUpgradesFromOneAddressAreHeldOffWhileOtherAddressesAreServed() throws Exception {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        values.put(Setting.HOST, "127.0.0.1");
        values.put(Setting.PORT, 0);
        if (!EXAMPLE_DEFAULTS) {
            values.put(Setting.MAX_SESSIONS_PER_ADDRESS, MAX_SESSIONS);
            values.put(Setting.UPGRADES_PER_SECOND_PER_ADDRESS, RATE);
            values.put(Setting.UPGRADE_BURST_PER_ADDRESS, BURST);
        }
        server = HubServer.start(ExampleServer.ECHO, Settings.with(values));
        var limits = server.hubs().get("/echo").options().addressLimits();
        URI echo = URI.create("ws://127.0.0.1:" + server.port() + "/echo");

        // As usual: each other address connects and echoes before the flood, for the baseline figures.
        List<WebSocketClient> others = new ArrayList<>();
        ConcurrentLinkedQueue<Long> baselineNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        for (int a = 0; a < OTHER_ADDRESSES; a++) {
            String address = "127.0.0." + (a + 2);
            others.add(boundClient(address));
            for (int round = 0; round < 3; round++) {
                echoRound(others.get(a), echo, address + " before, round " + round, baselineNanos, failures);
            }
        }

        // The flood: FLOOD_THREADS connections of raw upgrades from 127.0.0.1, every 101 kept open.
        Outcomes flood = new Outcomes();
        AtomicInteger left = new AtomicInteger(FLOOD_UPGRADES);
        long began = System.nanoTime();
        List<Future<?>> flooders = new ArrayList<>();
        for (int t = 0; t < FLOOD_THREADS; t++) {
            flooders.add(threads.submit(() -> {
                flood(flood, left);
                return null;
            }));
        }

        // The others: one client per address, each connecting, echoing three messages and closing, again and again.
        ScheduledExecutorService pacing = Executors.newScheduledThreadPool(OTHER_ADDRESSES);
        ConcurrentLinkedQueue<Long> connectNanos = new ConcurrentLinkedQueue<>();
        for (int a = 0; a < OTHER_ADDRESSES; a++) {
            String address = "127.0.0." + (a + 2);
            WebSocketClient client = others.get(a);
            AtomicInteger round = new AtomicInteger();
            pacing.scheduleWithFixedDelay(() -> echoRound(client, echo, address + " round " + round.getAndIncrement(),
                    connectNanos, failures), 0, PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        }

        for (Future<?> f : flooders) {
            f.get(90, TimeUnit.SECONDS);
        }
        double floodSeconds = (System.nanoTime() - began) / 1e9;
        pacing.shutdown(); // the rounds under way finish
        assertThat(pacing.awaitTermination(30, TimeUnit.SECONDS)).as("the other addresses' last rounds ended").isTrue();

        System.out.printf("upgrade flood (limits %s, %d threads): %d upgrades tried from 127.0.0.1 in %.1f s (%.0f/s):"
                        + " %d upgraded, %d refused with 429 (%d by the rate, %d by the session limit), %d other;"
                        + " %d other addresses: before the flood %s, during it %s%n",
                limits, FLOOD_THREADS, flood.tried.sum(), floodSeconds, flood.tried.sum() / floodSeconds,
                flood.upgraded.sum(), flood.refused(), flood.refusedRate.sum(), flood.refusedSessions.sum(),
                flood.other.size(), OTHER_ADDRESSES, latencies(baselineNanos), latencies(connectNanos));

        assertThat(flood.other).as("flood upgrades answered otherwise than 101 or 429").isEmpty();
        assertThat(flood.tried.sum()).isEqualTo(FLOOD_UPGRADES);
        assertThat(flood.upgraded.sum() + flood.refused()).isEqualTo(FLOOD_UPGRADES);
        // The bucket allows its burst and then its rate over the flood; the session limit caps what is held.
        long allowedByRate = limits.upgradeBurst() + (long) Math.ceil(limits.upgradesPerSecond() * floodSeconds) + 1;
        assertThat(flood.upgraded.sum()).isLessThanOrEqualTo(Math.min(allowedByRate, limits.maxSessions()));
        assertThat(flood.refused()).isGreaterThanOrEqualTo(FLOOD_UPGRADES - Math.min(allowedByRate, limits.maxSessions()));
        assertThat(failures).as("the other addresses' connects and echoes").isEmpty();
        assertThat(connectNanos).as("connects of the other addresses").hasSizeGreaterThanOrEqualTo(OTHER_ADDRESSES);
        assertThat(server.hubs().get("/echo").sessionCount()).isEqualTo((int) flood.upgraded.sum());
    }

    /** "N connects (each echoing 3 messages), median M ms, worst W ms". */
    private static String latencies(ConcurrentLinkedQueue<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return String.format("%d connects (each echoing 3 messages), median %.1f ms, worst %.1f ms", sorted.size(),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1e6, sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
    }

    /**
     * One flooding connection from 127.0.0.1: upgrade requests one after the other on the same
     * connection while the server keeps it open after a 429 (HTTP/1.1 keep-alive, as a flooder
     * would), a fresh connection when it closes it; a 101 keeps its socket (a session held).
     */
    private void flood(Outcomes outcomes, AtomicInteger left) throws IOException {
        Socket socket = null;
        InputStream in = null;
        while (left.getAndDecrement() > 0) {
            outcomes.tried.increment();
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setSoLinger(true, 0); // a reset, as a flooder closes: no TIME_WAIT left on either side
                    socket.bind(new InetSocketAddress("127.0.0.1", 0));
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) TestClient.TIMEOUT.toMillis());
                    socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
                    in = new BufferedInputStream(socket.getInputStream());
                }
                socket.getOutputStream().write(UPGRADE_REQUEST);
                String head = head(in);
                if (head.startsWith("HTTP/1.1 101")) {
                    outcomes.upgraded.increment();
                    held.add(socket);
                    socket = null;
                    continue;
                }
                if (head.startsWith("HTTP/1.1 429") && head.contains("\r\nRetry-After: 10\r\n")) {
                    outcomes.refusedSessions.increment();
                } else if (head.startsWith("HTTP/1.1 429") && head.contains("\r\nRetry-After: ")) {
                    outcomes.refusedRate.increment();
                } else {
                    outcomes.other.add(head.lines().findFirst().orElse("(nothing)"));
                }
                Matcher length = CONTENT_LENGTH.matcher(head);
                if (head.contains("\r\nConnection: close\r\n") || !length.find()) {
                    socket.close();
                    socket = null;
                } else {
                    in.skipNBytes(Long.parseLong(length.group(1))); // the error page; the next request follows
                }
            } catch (IOException e) {
                outcomes.other.add(e.toString());
                if (socket != null) {
                    socket.close();
                    socket = null;
                }
            }
        }
        if (socket != null) {
            socket.close();
        }
    }

    /** A response's head, up to its blank line. */
    private static String head(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /** A Jetty WebSocket client whose connections leave from this loopback address. */
    private WebSocketClient boundClient(String address) throws Exception {
        HttpClient http = new HttpClient();
        http.setBindAddress(new InetSocketAddress(address, 0));
        QueuedThreadPool pool = new QueuedThreadPool(8, 2);
        pool.setName("client-" + address);
        pool.setDaemon(true);
        http.setExecutor(pool);
        WebSocketClient client = new WebSocketClient(http);
        client.start();
        clients.add(client);
        return client;
    }

    /** Connects, echoes three messages and closes; records the connect time, or what went wrong. */
    private static void echoRound(WebSocketClient client, URI echo, String name, ConcurrentLinkedQueue<Long> connectNanos,
                                  ConcurrentLinkedQueue<String> failures) {
        long start = System.nanoTime();
        try (TestClient c = TestClient.connect(client, echo)) {
            connectNanos.add(System.nanoTime() - start);
            for (int i = 0; i < 3; i++) {
                String text = name + " message " + i;
                c.sendText(text);
                String back = c.nextText();
                if (!text.equals(back)) {
                    failures.add(name + ": sent '" + text + "', got '" + back + "'");
                }
            }
        } catch (Exception e) {
            failures.add(name + ": " + e);
        }
    }
}
