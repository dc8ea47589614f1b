package io.wshub.bench.loadtest;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The echo scenario: C connections each send an S-byte message, wait for it to come back, and
 * send the next, for D seconds after a warm-up. Reports round trips per second, round-trip
 * latency percentiles and the server's CPU per round trip.
 */
final class EchoRun implements Scenario {

    /**
     * What to run.
     *
     * @param target         the server's echo URL
     * @param connections    how many connections loop at once
     * @param messageSize    bytes per message
     * @param warmup         time before measuring (JIT compilation, connection set-up)
     * @param duration       the measured window
     * @param connectTimeout how long all connections may take to open
     * @param server         the server process, when its pid is known
     */
    record Settings(Target target, int connections, int messageSize, Duration warmup, Duration duration,
                    Duration connectTimeout, Optional<ProcessProbe> server) {
    }

    private final Settings settings;
    private final ErrorCounts errors = new ErrorCounts();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final LongAdder roundTrips = new LongAdder();
    private final ScenarioClock clock;
    private volatile boolean running = true; // written by the scenario's thread, read by Jetty's

    EchoRun(Settings settings) {
        this.settings = settings;
        this.clock = new ScenarioClock(settings.warmup(), settings.duration());
    }

    @Override
    public Report run(PrintWriter err) throws Exception {
        List<EchoConnection> connections = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            connections.add(new EchoConnection(this, errors));
        }
        ServerMonitor monitor = new ServerMonitor(settings.server());
        long measuredRoundTrips;
        Percentiles percentiles;
        int connected;
        try (JettyClients jetty = JettyClients.single(Scenarios.CLIENT_IDLE_TIMEOUT)) {
            Connector connector = new Connector(jetty, settings.target().uri(), Scenarios.CONNECT_CONCURRENCY, errors);
            RateTicker rate = new RateTicker(roundTrips::sum);
            try (ProgressPrinter progress = new ProgressPrinter(err, () -> String.format(Locale.ROOT,
                    "%-7s | connections %d/%d | round trips %d (%.0f/s) | p99 %.3f ms | errors %d | %s",
                    clock.phase(), connector.connected(), settings.connections(), roundTrips.sum(), rate.perSecond(),
                    Percentiles.millis(latency.interval().p99()), errors.total(), monitor.progress()))) {
                connected = connector.connectAll(connections, settings.connectTimeout());
                RunFailed.unlessConnected(connected, errors);
                clock.start();
                connections.stream().filter(LoadConnection::isOpen).forEach(EchoConnection::start);
                clock.awaitMeasureStart();
                long before = roundTrips.sum();
                monitor.startWindow();
                clock.awaitEnd();
                monitor.stopWindow();
                measuredRoundTrips = roundTrips.sum() - before;
                running = false;
                percentiles = latency.total();
            }
            Scenarios.closeAll(connections);
        }
        Report report = Report.of("echo", settings.target())
                .add("connections", "connections", connected)
                .add("connectionsRequested", "connections requested", settings.connections())
                .add("messageBytes", "message size (bytes)", settings.messageSize())
                .add("warmupSeconds", "warm-up (s)", settings.warmup().toMillis() / 1000.0, 1)
                .add("measuredSeconds", "measured (s)", monitor.windowNanos() / 1e9, 2)
                .add("roundTrips", "round trips", measuredRoundTrips)
                .add("roundTripsPerSecond", "round trips/s", Rates.perSecond(measuredRoundTrips, monitor.windowNanos()), 0)
                .add("bytesPerSecond", "bytes/s (both ways)",
                        Rates.perSecond(2 * measuredRoundTrips * settings.messageSize(), monitor.windowNanos()), 0);
        monitor.addCostTo(report, measuredRoundTrips, "round trips");
        report.latency("latency", "round trip", percentiles);
        monitor.addMemoryTo(report);
        errors.addTo(report);
        return report;
    }

    @Override
    public boolean complete() {
        return errors.connectFailures() == 0;
    }

    /** A reply came back after {@code nanos}; {@code measured} when sent inside the window. */
    void roundTrip(long nanos, boolean measured) {
        roundTrips.increment();
        latency.record(nanos, measured);
    }

    boolean isRunning() {
        return running;
    }

    boolean isMeasuring() {
        return clock.isMeasuring();
    }

    int messageSize() {
        return settings.messageSize();
    }
}
