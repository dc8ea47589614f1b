package io.wshub.bench.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The server process of a storm run, which the run outlives: the server is killed and a new
 * process with a new pid takes its port. Given {@code --server-pid-file}, the file is read again
 * every {@link #POLL_NANOS}, and when it names another live process that one is measured from
 * then on. The storm window's figures (CPU time, peak resident memory) are of the process named
 * last, from the later of the outage and the moment its pid was first read; so a script that
 * writes the new pid as it starts the server loses at most one poll of the new JVM's start.
 *
 * <p>Used by the scenario's thread, except {@link #progress()}, which the progress thread calls.
 */
final class StormServerWatch {

    /** How often the pid file is read again, and the server's memory sampled during the window. */
    static final long POLL_NANOS = 100_000_000;

    private final Optional<Path> pidFile;
    private Optional<ProcessProbe> probe;
    /** Read by the progress thread. */
    private volatile ServerMonitor monitor;
    private long lastPoll = System.nanoTime() - POLL_NANOS;
    private int pidChanges;
    private boolean windowOpen;
    private long windowOpenedAt;
    private long measuredFrom;
    private long peakRss = -1;

    StormServerWatch(Optional<ProcessProbe> server, Optional<Path> pidFile) {
        this.pidFile = pidFile;
        this.probe = server;
        this.monitor = new ServerMonitor(server);
    }

    /** Reads the pid file again and samples the memory, at most once per {@link #POLL_NANOS}. */
    void poll() {
        long now = System.nanoTime();
        if (now - lastPoll >= POLL_NANOS) {
            lastPoll = now;
            follow();
            sample();
        }
    }

    /** The outage began: the window opens now, on the process known now. */
    void startWindow() {
        follow();
        windowOpen = true;
        windowOpenedAt = System.nanoTime();
        measure();
    }

    /** The window ends: the last process's CPU time is taken. */
    void stopWindow() {
        follow();
        sample();
        monitor.stopWindow();
        windowOpen = false;
    }

    /** The server's CPU use and memory for the progress line. */
    String progress() {
        return monitor.progress();
    }

    /** The measured process's pid, when there is one. */
    OptionalLong pid() {
        return probe.isPresent() ? OptionalLong.of(probe.get().pid()) : OptionalLong.empty();
    }

    /** How many times the pid file named a new process. */
    int pidChanges() {
        return pidChanges;
    }

    /** The measured process's CPU time in the window. */
    OptionalLong cpuNanos() {
        return monitor.serverCpuInWindow();
    }

    /** How long the measured process was measured. */
    long measuredNanos() {
        return monitor.windowNanos();
    }

    /** How long after the outage the measured process's window began (0 when it was known at the outage). */
    long measuredFromNanos() {
        return measuredFrom - windowOpenedAt;
    }

    /** The highest resident memory of the measured process seen in the window. */
    OptionalLong peakRssBytes() {
        return peakRss < 0 ? OptionalLong.empty() : OptionalLong.of(peakRss);
    }

    /** The measured process's resident memory now. */
    OptionalLong rssBytes() {
        return monitor.serverRss();
    }

    /** The pid in the file: one positive number, blanks around it allowed; empty when unreadable or not yet written. */
    static OptionalLong readPid(Path file) {
        try {
            long pid = Long.parseLong(Files.readString(file).trim());
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Switches to the process the pid file names, when that is another live one. */
    private void follow() {
        if (pidFile.isEmpty()) {
            return;
        }
        OptionalLong pid = readPid(pidFile.get());
        if (pid.isEmpty() || (probe.isPresent() && probe.get().pid() == pid.getAsLong())) {
            return;
        }
        ProcessProbe next;
        try {
            next = ProcessProbe.of(pid.getAsLong());
        } catch (IllegalArgumentException e) {
            return; // not (yet, or any more) a process: read the file again at the next poll
        }
        probe = Optional.of(next);
        pidChanges++;
        if (windowOpen) {
            measure();
        }
    }

    /** A fresh monitor on the current process, its window and peak starting now. */
    private void measure() {
        ServerMonitor fresh = new ServerMonitor(probe);
        fresh.startWindow();
        measuredFrom = System.nanoTime();
        peakRss = -1;
        monitor = fresh;
        sample();
    }

    private void sample() {
        if (windowOpen) {
            OptionalLong rss = monitor.serverRss();
            if (rss.isPresent()) {
                peakRss = Math.max(peakRss, rss.getAsLong());
            }
        }
    }
}
