package io.wshub.bench.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Checks of option values; each failure names the option and the allowed range. */
final class Bounds {

    /** File descriptors a JVM needs besides its connections (jars, selectors, pipes, logs). */
    static final int OTHER_FILES = 200;

    private Bounds() {
    }

    static int count(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    static Duration seconds(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max + " seconds, was " + value);
        }
        return Duration.ofNanos((long) (value * 1e9));
    }

    /** Checks that this process may open that many connections (one file descriptor each). */
    static void openFiles(int connections) {
        long limit = openFileLimit();
        if (connections + OTHER_FILES > limit) {
            throw new IllegalArgumentException(connections + " connections need about " + (connections + OTHER_FILES)
                    + " open files, but this process may open at most " + limit + " (ulimit -n)");
        }
    }

    /** The soft limit on open files, from /proc/self/limits; unlimited when unreadable. */
    static long openFileLimit() {
        try {
            return parseOpenFileLimit(Files.readString(Path.of("/proc/self/limits")));
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    static long parseOpenFileLimit(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IllegalArgumentException("no 'Max open files' line");
    }
}
