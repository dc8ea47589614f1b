package io.wshub.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What went wrong during the restart storm, from every observer (the client fleet, the watchdog,
 * the log and exception capture), by category: how often, the first few details and when (seconds
 * since the test began). A test fails as soon as it holds a problem; the summary is its message.
 * Thread-safe.
 */
final class StormFindings {

    private static final int DETAILS_PER_CATEGORY = 5;

    private final long startNanos = System.nanoTime();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> details = new LinkedHashMap<>();
    private long firstProblemNanos;

    /** Records one problem, e.g. {@code problem("server closed a client", "1008 Slow consumer (client 17)")}. */
    synchronized void problem(String category, String detail) {
        if (counts.isEmpty()) {
            firstProblemNanos = System.nanoTime();
        }
        counts.merge(category, 1, Integer::sum);
        List<String> kept = details.computeIfAbsent(category, c -> new ArrayList<>());
        if (kept.size() < DETAILS_PER_CATEGORY) {
            kept.add(String.format("at %.1f s: %s", secondsSince(startNanos), detail));
        }
    }

    synchronized boolean any() {
        return !counts.isEmpty();
    }

    /** How many problems of this category were recorded. */
    synchronized int count(String category) {
        return counts.getOrDefault(category, 0);
    }

    /** Seconds since the test began. */
    double elapsedSeconds() {
        return secondsSince(startNanos);
    }

    /** Every category with its count and first details. */
    synchronized String summary() {
        if (counts.isEmpty()) {
            return "no problem recorded";
        }
        StringBuilder b = new StringBuilder(String.format("first problem at %.1f s%n",
                (firstProblemNanos - startNanos) / 1e9));
        counts.forEach((category, n) -> {
            b.append("  ").append(category).append(": ").append(n).append(System.lineSeparator());
            for (String d : details.get(category)) {
                b.append("      ").append(d).append(System.lineSeparator());
            }
        });
        return b.toString();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
