package io.wshub.bench.loadtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The storm scenario: what broke the room server in production, replayed on loopback. N room
 * clients in R rooms connect and join; once all are back (the baseline) the run says so, and
 * someone (hub-bench/storm.sh) kills the server and starts it again on the same port. Every
 * client whose connection ends tries again exactly every retry interval, with no jitter, so they
 * all come back at once. The outage begins (T0) when half the clients have lost their
 * connection; from then on the run measures how long until all are back, what the attempts met
 * (refusals by kind, closes by code, slow-consumer closes notably) and what the recovery cost the
 * restarted server, until all are back or the run's time is up.
 *
 * <p>Bounded: one attempt per client at a time, messages only counted, every thread a daemon,
 * and the whole run within its duration plus the closing handshakes.
 */
final class StormRun implements Scenario {

    /**
     * What to run.
     *
     * @param target         the room server's WebSocket URL
     * @param clients        how many room clients
     * @param rooms          how many rooms they are spread over (client i joins {@code storm-(i mod rooms)})
     * @param retry          the fixed reconnect interval
     * @param duration       how long the whole run may take
     * @param settle         how long all must stay back before the baseline is declared
     * @param attemptTimeout how long one attempt's upgrade may take, queued in Jetty's client included
     * @param handshakes     upgrades in flight per source address
     * @param perAddress     clients per loopback source address
     * @param connectTimeout how long the first connect of all clients may take
     * @param server         the server process, when its pid is known
     * @param serverPidFile  a file naming the server's pid, read again during the run
     * @param readyFile      a file to create when the baseline is declared
     */
    record Settings(Target target, int clients, int rooms, Duration retry, Duration duration, Duration settle,
                    Duration attemptTimeout, int handshakes, int perAddress, Duration connectTimeout,
                    Optional<ProcessProbe> server, Optional<Path> serverPidFile, Optional<Path> readyFile) {
    }

    /** Where the run is, for the progress line and the clients' bookkeeping. */
    enum Phase {
        CONNECT, SETTLE, READY, STORM, FINISH;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The close code of a connection that ended without a close frame (the server died, or dropped it). */
    static final int ABNORMAL_CLOSE = 1006;
    /** How often the scenario's thread looks at the clients' counts (and the pid file, at most every 100 ms). */
    private static final long POLL_MILLIS = 10;
    /** Threads that start the reconnects: each start only queues a request in Jetty's client. */
    private static final int RETRY_THREADS = 2;

    private final Settings settings;
    private final ErrorCounts errors = new ErrorCounts();
    private final StormTally baseline = new StormTally();
    private final StormTally storm = new StormTally();
    private final AtomicInteger back = new AtomicInteger();
    private final List<StormClient> clients = new ArrayList<>();
    private final ScheduledExecutorService retries = Executors.newScheduledThreadPool(RETRY_THREADS, r -> {
        Thread t = new Thread(r, "loadtest-storm-retry");
        t.setDaemon(true);
        return t;
    });
    private final long retryNanos;
    private final long attemptTimeoutNanos;
    /** The load tool itself: its CPU time in the storm says whether it kept up with the server. */
    private final ProcessProbe self = ProcessProbe.self();

    // Phase changes happen under this object's lock; the fields are volatile for the readers.
    private volatile Phase phase = Phase.CONNECT;
    private volatile StormTally tally = baseline;
    private volatile boolean running = true;
    // Written and read by the scenario's thread only.
    private boolean connectedOnce;
    private long firstAllBackAt;
    private OptionalLong toolCpuAtOutage = OptionalLong.empty();
    private OptionalLong toolCpuInStorm = OptionalLong.empty();
    private volatile boolean outage;
    private volatile long outageAt;
    private volatile long allBackAt;
    private volatile boolean allBack;

    StormRun(Settings settings) {
        this.settings = settings;
        this.retryNanos = settings.retry().toNanos();
        this.attemptTimeoutNanos = settings.attemptTimeout().toNanos();
    }

    @Override
    public Report run(PrintWriter err) throws Exception {
        long start = System.nanoTime();
        long deadline = start + settings.duration().toNanos();
        long connectDeadline = start + Math.min(settings.duration().toNanos(), settings.connectTimeout().toNanos());
        StormServerWatch server = new StormServerWatch(settings.server(), settings.serverPidFile());
        int n = settings.clients();
        boolean spread = settings.target().isIpv4() && n > settings.perAddress();
        boolean baselineReached;
        long baselineNanos = 0;
        long connectNanos = 0;
        long endedAt;
        int backAtEnd;
        int addresses;
        try (JettyClients jetty = spread
                ? JettyClients.spread(n, settings.perAddress(), Scenarios.CLIENT_IDLE_TIMEOUT, settings.handshakes())
                : JettyClients.single(Scenarios.CLIENT_IDLE_TIMEOUT, settings.handshakes())) {
            addresses = jetty.addresses();
            for (int i = 0; i < n; i++) {
                clients.add(new StormClient(this, jetty.forConnection(i), settings.target().uri(), room(i)));
            }
            try (ProgressPrinter progress = new ProgressPrinter(err, () -> progressLine(server))) {
                clients.forEach(StormClient::connect);
                baselineReached = awaitBaseline(connectDeadline, server);
                if (baselineReached) {
                    baselineNanos = System.nanoTime() - start;
                    connectNanos = firstAllBackAt - start;
                    announce(err);
                    if (awaitUntil(() -> phase == Phase.STORM, deadline, server)) {
                        server.startWindow();
                        toolCpuAtOutage = self.cpuNanos();
                        awaitUntil(() -> allBack, deadline, server);
                    }
                }
                endedAt = System.nanoTime();
                finish();
                server.stopWindow();
                toolCpuInStorm = difference(self.cpuNanos(), toolCpuAtOutage);
                backAtEnd = back.get();
            } finally {
                running = false;
                retries.shutdownNow();
            }
            if (back.get() == 0 && baseline.upgrades() == 0) {
                throw new RunFailed("no client connected; first error: " + errors.firstError());
            }
            Scenarios.closeAll(clients.stream().map(StormClient::current).filter(Objects::nonNull).toList());
        }
        return report(baselineReached, connectNanos, baselineNanos, endedAt, backAtEnd, addresses, server);
    }

    @Override
    public boolean complete() {
        return allBack;
    }

    /** Whether reconnects are still wanted. */
    boolean isRunning() {
        return running;
    }

    /** The phase new attempts are counted in. */
    StormTally tally() {
        return tally;
    }

    ErrorCounts errors() {
        return errors;
    }

    long attemptTimeoutNanos() {
        return attemptTimeoutNanos;
    }

    /** Runs a reconnect exactly one retry interval from now, unless the run is over. */
    void later(Runnable reconnect) {
        if (!running) {
            return;
        }
        try {
            retries.schedule(reconnect, retryNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The run ended between the check and the schedule: no reconnect is wanted.
        }
    }

    /** A client is back; during the storm, the last one back ends it. */
    void clientBack() {
        if (back.incrementAndGet() == settings.clients() && phase == Phase.STORM) {
            markAllBack();
        }
    }

    /** A client that was back lost its connection; once the baseline is declared, half of them lost is the outage. */
    void clientLost() {
        int now = back.decrementAndGet();
        if (phase == Phase.READY && settings.clients() - now >= half(settings.clients())) {
            markOutage();
        }
    }

    /** At least half of n, rounded up: the clients that must have lost their connection for an outage. */
    static int half(int n) {
        return (n + 1) / 2;
    }

    private synchronized void markOutage() {
        if (phase == Phase.READY) {
            outageAt = System.nanoTime();
            outage = true;
            tally = storm;
            phase = Phase.STORM;
        }
    }

    private synchronized void markAllBack() {
        if (phase == Phase.STORM && !allBack) {
            allBackAt = System.nanoTime();
            allBack = true;
        }
    }

    private synchronized void finish() {
        phase = Phase.FINISH;
    }

    private synchronized void setPhase(Phase next) {
        phase = next;
    }

    private String room(int client) {
        return "storm-" + client % settings.rooms();
    }

    /**
     * Waits until every client is back and stays so for the settle time (again and again, should
     * some drop during it), or until the deadline.
     */
    private boolean awaitBaseline(long deadline, StormServerWatch server) throws InterruptedException {
        int n = settings.clients();
        while (awaitUntil(() -> back.get() == n, deadline, server)) {
            if (!connectedOnce) {
                connectedOnce = true;
                firstAllBackAt = System.nanoTime();
            }
            setPhase(Phase.SETTLE);
            long settled = System.nanoTime() + settings.settle().toNanos();
            awaitUntil(() -> back.get() < n, Math.min(settled, deadline), server);
            if (back.get() == n && System.nanoTime() - settled >= 0) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            setPhase(Phase.CONNECT);
        }
        return false;
    }

    /**
     * The baseline holds: says so in the ready file, then on stderr (so whoever read the line finds
     * the file), and waits for the outage.
     */
    private void announce(PrintWriter err) {
        setPhase(Phase.READY);
        settings.readyFile().ifPresent(file -> {
            try {
                Files.writeString(file, ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                err.println("storm: cannot create the ready file " + file + ": " + e.getMessage());
                err.flush();
            }
        });
        err.printf(Locale.ROOT, "storm: all %d clients connected; restart the server now%n", settings.clients());
        err.flush();
    }

    /** Polls until the condition holds (true) or the deadline passes (false), following the server meanwhile. */
    private static boolean awaitUntil(BooleanSupplier condition, long deadline, StormServerWatch server)
            throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            server.poll();
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return true;
    }

    private static OptionalLong difference(OptionalLong end, OptionalLong start) {
        return end.isPresent() && start.isPresent()
                ? OptionalLong.of(end.getAsLong() - start.getAsLong()) : OptionalLong.empty();
    }

    private String progressLine(StormServerWatch server) {
        StormTally t = tally;
        return String.format(Locale.ROOT,
                "%-7s | back %d/%d | attempts %d | refused %d | closes after back %d (slow consumer %d) | messages %d | %s",
                phase.label(), back.get(), settings.clients(), t.attempts(), t.failures(), t.closesAfterBack(),
                t.slowConsumerCloses(), t.messages(), server.progress());
    }

    private Report report(boolean baselineReached, long connectNanos, long baselineNanos, long endedAt, int backAtEnd, int addresses,
                          StormServerWatch server) {
        long stormNanos = outage ? endedAt - outageAt : 0;
        OptionalLong cpu = server.cpuNanos();
        Report report = Report.of("storm", settings.target())
                .add("clients", "clients", settings.clients())
                .add("rooms", "rooms", settings.rooms())
                .add("retryMs", "reconnect interval (ms, no jitter)", settings.retry().toMillis())
                .add("handshakesInFlight", "handshakes in flight per source address", settings.handshakes())
                .add("sourceAddresses", "source addresses", addresses)
                .add("baseline", "all connected before the outage", baselineReached)
                .add("connectSeconds", "time until all were first back at the start (s)",
                        baselineReached ? OptionalDouble.of(connectNanos / 1e9) : OptionalDouble.empty(), 2)
                .add("baselineSeconds", "baseline declared after (s, settle included)",
                        baselineReached ? OptionalDouble.of(baselineNanos / 1e9) : OptionalDouble.empty(), 2)
                .add("baselineAttempts", "attempts before the outage", baseline.attempts())
                .add("baselineFailures", "  failed", baseline.failures())
                .add("baselineFailureKinds", "  failures by kind", baseline.failureKinds())
                .add("baselineClosesAfterBack", "  closes after back (the outage's included)", baseline.closesAfterBack())
                .add("baselineCloseCodes", "  their close codes", baseline.closeCodesAfterBack())
                .add("outage", "outage seen (half the clients lost)", outage)
                .add("allBack", "all back after the outage", allBack)
                .add("recoverySeconds", "time from outage until all back (s)",
                        allBack ? OptionalDouble.of((allBackAt - outageAt) / 1e9) : OptionalDouble.empty(), 2)
                .add("stormSeconds", "storm measured (s)", stormNanos / 1e9, 2)
                .add("maxBack", "most clients back at once", storm.maxBack())
                .add("backAtEnd", "clients back at the end", backAtEnd)
                .add("attempts", "attempts in the storm", storm.attempts())
                .add("attemptsOpened", "  upgraded", storm.upgrades())
                .add("attemptsFailed", "  refused or failed", storm.failures())
                .add("failureKinds", "  failures by kind", storm.failureKinds())
                .add("closesAfterBack", "closes by the server after back", storm.closesAfterBack())
                .add("closeCodesAfterBack", "  by close code", storm.closeCodesAfterBack())
                .add("slowConsumerCloses", "  slow consumer (1008)", storm.slowConsumerCloses())
                .add("abnormalCloses", "  abnormal (1006)", storm.closesAfterBack(ABNORMAL_CLOSE))
                .add("closesBeforeBack", "closes before back (upgraded, not yet joined)", storm.closesBeforeBack())
                .add("closeCodesBeforeBack", "  by close code", storm.closeCodesBeforeBack())
                .add("messages", "messages received in the storm", storm.messages())
                .add("messagesPerSecond", "messages/s in the storm", Rates.perSecond(storm.messages(), stormNanos), 0)
                .add("serverPid", "server pid measured", server.pid())
                .add("serverPidChanges", "server restarts seen (pid file)", server.pidChanges())
                .add("serverMeasuredFromSeconds", "server measured from (s after the outage)",
                        outage && server.pid().isPresent() ? OptionalDouble.of(server.measuredFromNanos() / 1e9)
                                : OptionalDouble.empty(), 2)
                .add("serverCpuSeconds", "server CPU in the storm (s)",
                        outage && cpu.isPresent() ? OptionalDouble.of(cpu.getAsLong() / 1e9) : OptionalDouble.empty(), 2)
                .add("serverCpuPercent", "server CPU in the storm (% of one core)",
                        outage ? Rates.cpuPercent(cpu, server.measuredNanos()) : OptionalDouble.empty(), 0)
                .add("serverPeakRssMiB", "server RSS peak in the storm (MiB)",
                        outage ? Rates.mib(server.peakRssBytes()) : OptionalDouble.empty(), 1)
                .add("serverRssMiB", "server RSS at end (MiB)", Rates.mib(server.rssBytes()), 1)
                .add("toolCpuSeconds", "load tool CPU in the storm (s)", toolCpuInStorm.isPresent()
                        ? OptionalDouble.of(toolCpuInStorm.getAsLong() / 1e9) : OptionalDouble.empty(), 2);
        errors.addTo(report);
        return report;
    }
}
