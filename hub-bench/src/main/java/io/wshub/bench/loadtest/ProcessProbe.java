package io.wshub.bench.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's CPU time and resident memory, read from Linux's {@code /proc}: the server's (given
 * its pid) or the load tool's own. Reads never throw: an unreadable value is empty.
 */
final class ProcessProbe {

    /**
     * Clock ticks per second of {@code /proc/PID/stat}: USER_HZ, 100 on every Linux ABI the JDK
     * runs on (x86, ARM, POWER, s390), whatever the kernel's internal tick rate.
     */
    static final long TICKS_PER_SECOND = 100;

    private static final int UTIME_FIELD = 14; // 1-based field numbers, proc(5)
    private static final int STIME_FIELD = 15;

    private final long pid;

    private ProcessProbe(long pid) {
        this.pid = pid;
    }

    /**
     * A probe of another process.
     *
     * @throws IllegalArgumentException when there is no such process to read
     */
    static ProcessProbe of(long pid) {
        ProcessProbe probe = new ProcessProbe(pid);
        if (probe.cpuNanos().isEmpty()) {
            throw new IllegalArgumentException("cannot read /proc/" + pid + "/stat: no such process, or not Linux");
        }
        return probe;
    }

    /** A probe of this process. */
    static ProcessProbe self() {
        return new ProcessProbe(ProcessHandle.current().pid());
    }

    long pid() {
        return pid;
    }

    /** User plus system CPU time the process has used so far. */
    OptionalLong cpuNanos() {
        try {
            return OptionalLong.of(parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
                    * (1_000_000_000L / TICKS_PER_SECOND));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The resident set size (VmRSS) now. */
    OptionalLong rssBytes() {
        try {
            return OptionalLong.of(parseRssKib(Files.readString(Path.of("/proc", Long.toString(pid), "status"))) * 1024);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * utime + stime in clock ticks from a {@code /proc/PID/stat} line. The command name (field 2)
     * is in parentheses and may itself hold spaces and parentheses, so fields are counted from
     * the last {@code )}.
     */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        // After ") " comes field 3 (state).
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        int offset = 3;
        return Long.parseLong(fields[UTIME_FIELD - offset]) + Long.parseLong(fields[STIME_FIELD - offset]);
    }

    /** The VmRSS line of {@code /proc/PID/status}, in KiB. */
    static long parseRssKib(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalArgumentException("no VmRSS line in /proc/PID/status");
    }
}
