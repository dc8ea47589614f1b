package io.wshub.examples;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Watches a server while clients storm it, on daemon threads of its own, each check every 250 ms
 * (after the previous one ended):
 * <ul>
 *   <li>{@code /health} must answer 200 within 5 s (a stuck server never answers; a starved one
 *       answers late: this JVM also runs the 2 000 clients, on two cores, and a GC or JIT burst in
 *       the storm once took a health answer to 2.0 s in CI while every client came back);</li>
 *   <li>a fresh client must be served within 5 s: open {@code /ws}, get its welcome, send
 *       {@code {"type":"ping"}}, get {@code {"type":"pong"}} (the JDK's own HTTP and WebSocket
 *       client, nothing shared with the clients under test);</li>
 *   <li>the JVM must find no deadlocked threads.</li>
 * </ul>
 * Each failure is a problem in {@link StormFindings}; the worst latencies are kept for the report.
 */
final class StormWatchdog implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMillis(250);
    static final Duration HEALTH_BOUND = Duration.ofSeconds(5);
    static final Duration PROBE_BOUND = Duration.ofSeconds(5);
    private static final Duration PROBE_CLOSE_WAIT = Duration.ofSeconds(1);
    private static final String PING = "{\"type\":\"ping\"}";

    private final URI health;
    private final URI ws;
    private final StormFindings findings;
    private final Function<String, String> threadOwner;
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(daemon("storm-watchdog-http"));
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HEALTH_BOUND)
            .executor(httpThreads)
            .build();
    private final ScheduledExecutorService checks = Executors.newScheduledThreadPool(3, daemon("storm-watchdog"));
    private final AtomicLong worstHealthNanos = new AtomicLong();
    private final AtomicLong worstProbeNanos = new AtomicLong();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicBoolean deadlockReported = new AtomicBoolean();

    private StormWatchdog(URI health, URI ws, StormFindings findings, Function<String, String> threadOwner) {
        this.health = health;
        this.ws = ws;
        this.findings = findings;
        this.threadOwner = threadOwner;
    }

    /**
     * Starts watching the server with this health URL and WebSocket URL; {@code threadOwner}
     * names whose a thread is (by its name), for the deadlock report.
     */
    static StormWatchdog start(URI health, URI ws, StormFindings findings, Function<String, String> threadOwner) {
        StormWatchdog w = new StormWatchdog(health, ws, findings, threadOwner);
        w.every(w::checkDeadlocks, "deadlock check");
        w.every(w::checkHealth, "health check");
        w.every(w::probe, "probe");
        return w;
    }

    /**
     * The JVM's deadlocked threads, or null when there are none: each with whose it is
     * ({@code ownerOf} its name), the lock it waits for, that lock's owner, and its top wshub frames.
     */
    static String deadlocks(Function<String, String> ownerOf) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] ids = threads.findDeadlockedThreads();
        if (ids == null || ids.length == 0) {
            return null;
        }
        ThreadInfo[] infos = threads.getThreadInfo(ids, true, true);
        Set<String> owners = new TreeSet<>();
        StringBuilder b = new StringBuilder();
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue;
            }
            owners.add(ownerOf.apply(info.getThreadName()));
            b.append(String.format("%n        \"%s\" %s on %s held by \"%s\"", info.getThreadName(),
                    info.getThreadState(), info.getLockName(), info.getLockOwnerName()));
            int shown = 0;
            for (StackTraceElement frame : info.getStackTrace()) {
                if (frame.getClassName().startsWith("io.wshub.") && shown++ < 4) {
                    b.append(String.format("%n            at %s", frame));
                }
            }
        }
        return ids.length + " threads of " + owners + b;
    }

    /** Worst latencies and how many checks ran. */
    String summary() {
        return String.format("health: %d checks, worst %d ms; probes: %d, worst %d ms",
                healthChecks.get(), TimeUnit.NANOSECONDS.toMillis(worstHealthNanos.get()),
                probes.get(), TimeUnit.NANOSECONDS.toMillis(worstProbeNanos.get()));
    }

    /** Stops every check and the watchdog's threads. */
    @Override
    public void close() throws InterruptedException {
        checks.shutdownNow();
        checks.awaitTermination(PROBE_BOUND.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        httpThreads.shutdownNow();
        httpThreads.awaitTermination(1, TimeUnit.SECONDS);
    }

    private void every(Runnable check, String name) {
        checks.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (Throwable e) { // a scheduled task that throws is never run again
                findings.problem("watchdog failed", name + ": " + e);
            }
        }, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkDeadlocks() {
        String deadlocks = deadlocks(threadOwner);
        if (deadlocks != null && deadlockReported.compareAndSet(false, true)) {
            findings.problem("deadlock", deadlocks);
        }
    }

    private void checkHealth() {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(health).timeout(HEALTH_BOUND).GET().build();
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            int status = response.get(HEALTH_BOUND.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            if (status != 200) {
                findings.problem("health not 200", "status " + status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            response.cancel(true);
            findings.problem("health did not answer within " + HEALTH_BOUND.toSeconds() + " s", e.toString());
        } finally {
            worstHealthNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            healthChecks.incrementAndGet();
        }
    }

    private void probe() {
        long start = System.nanoTime();
        long deadline = start + PROBE_BOUND.toNanos();
        ProbeListener listener = new ProbeListener();
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().connectTimeout(PROBE_BOUND).buildAsync(ws, listener);
        WebSocket socket = null;
        String step = "open " + ws;
        try {
            socket = opening.get(left(deadline), TimeUnit.NANOSECONDS);
            step = "welcome";
            listener.welcome.get(left(deadline), TimeUnit.NANOSECONDS);
            step = "send ping";
            socket.sendText(PING, true).get(left(deadline), TimeUnit.NANOSECONDS);
            step = "pong";
            listener.pong.get(left(deadline), TimeUnit.NANOSECONDS);
            long took = System.nanoTime() - start;
            worstProbeNanos.accumulateAndGet(took, Math::max);
            step = "close";
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(PROBE_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            listener.closed.get(PROBE_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS); // the server's close frame
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!step.equals("close")) {
                worstProbeNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                findings.problem("probe client not served within " + PROBE_BOUND.toSeconds() + " s",
                        "step " + step + ": " + e);
            }
        } finally {
            probes.incrementAndGet();
            opening.cancel(true);
            if (socket != null) {
                socket.abort();
            }
        }
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Completes {@link #welcome} and {@link #pong} as those messages arrive; reads everything else and drops it. */
    private static final class ProbeListener implements WebSocket.Listener {
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                if (message.startsWith("{\"type\":\"welcome\"")) {
                    welcome.complete(null);
                } else if (message.startsWith("{\"type\":\"pong\"")) {
                    pong.complete(null);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            IllegalStateException early = new IllegalStateException("closed by the server: " + statusCode + " " + reason);
            welcome.completeExceptionally(early);
            pong.completeExceptionally(early);
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            welcome.completeExceptionally(error);
            pong.completeExceptionally(error);
            closed.completeExceptionally(error);
        }
    }
}
