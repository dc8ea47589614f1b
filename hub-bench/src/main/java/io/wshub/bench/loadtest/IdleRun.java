package io.wshub.bench.loadtest;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The idle scenario: N connections opened and held for H seconds without traffic, to measure
 * what an idle connection costs the server in memory. Resident memory comes from
 * {@code /proc/PID/status} (given the server's pid), used heap from its {@code /health} JSON;
 * both are read before connecting and at the end of the hold, and the difference is divided by
 * the connections still open.
 *
 * <p>One source address has about 28 000 ephemeral ports; beyond {@code perAddress} connections
 * the tool binds to 127.0.0.2, 127.0.0.3, … (Linux routes all of 127.0.0.0/8 to loopback).
 */
final class IdleRun implements Scenario {

    /**
     * What to run.
     *
     * @param target         the server's WebSocket URL
     * @param connections    how many to hold
     * @param hold           how long to hold them once all are open
     * @param perAddress     connections per loopback source address
     * @param connectTimeout how long all connections may take to open
     * @param server         the server process, when its pid is known
     */
    record Settings(Target target, int connections, Duration hold, int perAddress, Duration connectTimeout,
                    Optional<ProcessProbe> server) {
    }

    private static final double KIB = 1024.0;
    /** The client keeps quiet connections this much longer than the hold. */
    private static final Duration IDLE_MARGIN = Duration.ofMinutes(1);

    private final Settings settings;
    private final ErrorCounts errors = new ErrorCounts();

    IdleRun(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Report run(PrintWriter err) throws Exception {
        HealthProbe health = new HealthProbe(settings.target().healthUri());
        ServerMonitor monitor = new ServerMonitor(settings.server());
        OptionalLong rssBefore = monitor.serverRss();
        OptionalLong heapBefore = health.heapUsedBytes();
        List<IdleConnection> connections = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            connections.add(new IdleConnection(errors));
        }
        boolean spread = settings.target().isIpv4() && settings.connections() > settings.perAddress();
        Duration idleTimeout = settings.hold().plus(settings.connectTimeout()).plus(IDLE_MARGIN);
        int connected;
        int addresses;
        long connectNanos;
        OptionalLong rssAfter;
        OptionalLong heapAfter;
        int open;
        try (JettyClients jetty = spread ? JettyClients.spread(settings.connections(), settings.perAddress(), idleTimeout)
                : JettyClients.single(idleTimeout)) {
            addresses = jetty.addresses();
            Connector connector = new Connector(jetty, settings.target().uri(), Scenarios.CONNECT_CONCURRENCY, errors);
            String[] phase = {"connect"};
            RateTicker rate = new RateTicker(connector::connected);
            try (ProgressPrinter progress = new ProgressPrinter(err, () -> String.format(Locale.ROOT,
                    "%-7s | connected %d/%d (%.0f/s) | open %d | failed %d | closed by server %d | %s",
                    phase[0], connector.connected(), settings.connections(), rate.perSecond(), countOpen(connections),
                    connector.failed(), errors.unexpectedCloses(), monitor.progress()))) {
                long start = System.nanoTime();
                connected = connector.connectAll(connections, settings.connectTimeout());
                connectNanos = System.nanoTime() - start;
                RunFailed.unlessConnected(connected, errors);
                phase[0] = "hold";
                TimeUnit.NANOSECONDS.sleep(settings.hold().toNanos());
                open = countOpen(connections);
                rssAfter = monitor.serverRss();
                heapAfter = health.heapUsedBytes();
            }
            Scenarios.closeAll(connections);
        }
        Report report = Report.of("idle", settings.target())
                .add("connectionsRequested", "connections requested", settings.connections())
                .add("connections", "connections opened", connected)
                .add("openAtEnd", "open at end of hold", open)
                .add("sourceAddresses", "source addresses", addresses)
                .add("connectSeconds", "connect time (s)", connectNanos / 1e9, 2)
                .add("connectsPerSecond", "connects/s", Rates.perSecond(connected, connectNanos), 0)
                .add("holdSeconds", "hold (s)", settings.hold().toMillis() / 1000.0, 1)
                .add("serverRssBeforeMiB", "server RSS before (MiB)", Rates.mib(rssBefore), 1)
                .add("serverRssAfterMiB", "server RSS at end of hold (MiB)", Rates.mib(rssAfter), 1)
                .add("serverRssPerConnectionKiB", "server RSS per connection (KiB)", perConnection(rssBefore, rssAfter, open), 2)
                .add("serverHeapBeforeMiB", "server heap used before (MiB)", Rates.mib(heapBefore), 1)
                .add("serverHeapAfterMiB", "server heap used at end (MiB)", Rates.mib(heapAfter), 1)
                .add("serverHeapPerConnectionKiB", "server heap per connection (KiB)",
                        perConnection(heapBefore, heapAfter, open), 2);
        errors.addTo(report);
        return report;
    }

    @Override
    public boolean complete() {
        return errors.connectFailures() == 0 && errors.unexpectedCloses() == 0;
    }

    private static int countOpen(List<IdleConnection> connections) {
        int open = 0;
        for (IdleConnection connection : connections) {
            if (connection.isOpen()) {
                open++;
            }
        }
        return open;
    }

    private static OptionalDouble perConnection(OptionalLong before, OptionalLong after, int connections) {
        if (before.isEmpty() || after.isEmpty() || connections == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((after.getAsLong() - before.getAsLong()) / KIB / connections);
    }
}
