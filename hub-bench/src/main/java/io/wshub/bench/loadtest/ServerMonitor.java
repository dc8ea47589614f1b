package io.wshub.bench.loadtest;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Watches the server process (when its pid is known) and the load tool itself: CPU time over the
 * measured window, CPU use and memory for the progress line, and the server's peak resident
 * memory. The load tool shares the machine's cores with the server, so cost is reported per
 * operation rather than as throughput alone.
 */
final class ServerMonitor {

    private final Optional<ProcessProbe> server;
    private final ProcessProbe self = ProcessProbe.self();

    // Window figures: written by the scenario's thread only.
    private long windowStart;
    private long windowNanos;
    private OptionalLong serverCpuAtStart = OptionalLong.empty();
    private OptionalLong serverCpuInWindow = OptionalLong.empty();
    private OptionalLong selfCpuAtStart = OptionalLong.empty();
    private OptionalLong selfCpuInWindow = OptionalLong.empty();

    // Progress figures: written by the progress thread only; the peak is read after it stopped.
    private long lastSampleAt = System.nanoTime();
    private OptionalLong lastServerCpu = OptionalLong.empty();
    private volatile long peakRssBytes;

    ServerMonitor(Optional<ProcessProbe> server) {
        this.server = server;
        this.lastServerCpu = server.map(ProcessProbe::cpuNanos).orElse(OptionalLong.empty());
    }

    /** Starts the measured window. */
    void startWindow() {
        windowStart = System.nanoTime();
        serverCpuAtStart = serverCpu();
        selfCpuAtStart = self.cpuNanos();
    }

    /** Ends the measured window. */
    void stopWindow() {
        windowNanos = System.nanoTime() - windowStart;
        serverCpuInWindow = difference(serverCpu(), serverCpuAtStart);
        selfCpuInWindow = difference(self.cpuNanos(), selfCpuAtStart);
    }

    long windowNanos() {
        return windowNanos;
    }

    /** The server's CPU time over the window, when its pid is known. */
    OptionalLong serverCpuInWindow() {
        return serverCpuInWindow;
    }

    /** The server's resident memory now, when its pid is known. */
    OptionalLong serverRss() {
        return server.map(ProcessProbe::rssBytes).orElse(OptionalLong.empty());
    }

    /** The server's CPU use since the previous call and its memory, for the progress line. */
    String progress() {
        if (server.isEmpty()) {
            return "server n/a (no --server-pid)";
        }
        long now = System.nanoTime();
        OptionalLong cpu = serverCpu();
        OptionalDouble percent = Rates.cpuPercent(difference(cpu, lastServerCpu), now - lastSampleAt);
        lastSampleAt = now;
        lastServerCpu = cpu;
        OptionalLong rss = serverRss();
        rss.ifPresent(r -> peakRssBytes = Math.max(peakRssBytes, r));
        return String.format(Locale.ROOT, "server cpu %s rss %s",
                percent.isPresent() ? Math.round(percent.getAsDouble()) + "%" : "n/a",
                rss.isPresent() ? rss.getAsLong() / (1024 * 1024) + " MiB" : "n/a");
    }

    /**
     * The window's cost rows: server and load-tool CPU per 1 000 operations, and server CPU use.
     *
     * @param operations what was done in the window (round trips, deliveries)
     * @param name       what an operation is called in the labels
     */
    void addCostTo(Report report, long operations, String name) {
        report.add("serverCpuMsPer1000", "server CPU-ms per 1000 " + name,
                        Rates.cpuMsPerThousand(serverCpuInWindow, operations), 3)
                .add("serverCpuPercent", "server CPU (% of one core)", Rates.cpuPercent(serverCpuInWindow, windowNanos), 0)
                .add("toolCpuMsPer1000", "load tool CPU-ms per 1000 " + name,
                        Rates.cpuMsPerThousand(selfCpuInWindow, operations), 3);
    }

    /** The memory rows: resident memory now and the highest seen by the progress line. */
    void addMemoryTo(Report report) {
        OptionalLong rss = serverRss();
        rss.ifPresent(r -> peakRssBytes = Math.max(peakRssBytes, r));
        report.add("serverRssMiB", "server RSS at end (MiB)", Rates.mib(rss), 1)
                .add("serverPeakRssMiB", "server RSS peak (MiB)",
                        Rates.mib(server.isPresent() ? OptionalLong.of(peakRssBytes) : OptionalLong.empty()), 1);
    }

    private OptionalLong serverCpu() {
        return server.map(ProcessProbe::cpuNanos).orElse(OptionalLong.empty());
    }

    private static OptionalLong difference(OptionalLong end, OptionalLong start) {
        return end.isPresent() && start.isPresent()
                ? OptionalLong.of(end.getAsLong() - start.getAsLong()) : OptionalLong.empty();
    }
}
