package io.wshub.bench.loadtest;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * What happened to the storm clients' connection attempts in one phase of the run: attempts,
 * failed attempts by kind, closes by code, and messages received. An attempt and everything on
 * its connection count in the phase the attempt started in, so the closes that announce the
 * outage (of connections made before it) stay apart from those of the storm after it, and the
 * clients back on the storm's own connections are counted apart from those whose old connection
 * has not noticed the outage yet. The close of a connection that was back is told apart from one
 * that never got there. Thread-safe.
 */
final class StormTally {

    /** The close code of the server's slow-consumer (and other policy) closes. */
    static final int POLICY_VIOLATION = 1008;
    /** The close reason wshub gives a session whose outbound queue overflowed. */
    static final String SLOW_CONSUMER = "slow consumer";

    private final LongAdder attempts = new LongAdder();
    private final LongAdder upgrades = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final AtomicInteger backNow = new AtomicInteger();
    private final AtomicInteger maxBack = new AtomicInteger();
    private final ConcurrentMap<String, LongAdder> failureKinds = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, LongAdder> closesAfterBack = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, LongAdder> closesBeforeBack = new ConcurrentHashMap<>();

    /** A connection attempt starts. */
    void attempted() {
        attempts.increment();
    }

    /** The attempt's upgrade succeeded: the connection is open. */
    void upgraded() {
        upgrades.increment();
    }

    /** The attempt failed before the connection opened (refused, upgrade answered with an error, timed out). */
    void failed(Throwable cause) {
        failures.increment();
        failureKinds.computeIfAbsent(kind(cause), k -> new LongAdder()).increment();
    }

    /**
     * The server closed (or the network dropped) an open connection; {@code wasBack} when it had
     * been welcomed and joined. Slow-consumer closes are counted among those of clients back, as
     * the others show in the codes of closes before back.
     */
    void closed(int code, String reason, boolean wasBack) {
        (wasBack ? closesAfterBack : closesBeforeBack).computeIfAbsent(code, c -> new LongAdder()).increment();
        if (wasBack && code == POLICY_VIOLATION && reason != null && reason.toLowerCase(Locale.ROOT).contains(SLOW_CONSUMER)) {
            slowConsumerCloses.increment();
        }
    }

    /** A client got back (welcomed and joined) on one of this phase's connections. */
    void back() {
        int now = backNow.incrementAndGet();
        maxBack.accumulateAndGet(now, Math::max);
    }

    /** A client that was back on one of this phase's connections lost it. */
    void lost() {
        backNow.decrementAndGet();
    }

    /** A whole message arrived on one of this phase's connections. */
    void message() {
        messages.increment();
    }

    /** Clients back on this phase's connections now. */
    int backNow() {
        return backNow.get();
    }

    /** The most clients back on this phase's connections at once. */
    int maxBack() {
        return maxBack.get();
    }

    long attempts() {
        return attempts.sum();
    }

    long upgrades() {
        return upgrades.sum();
    }

    long failures() {
        return failures.sum();
    }

    long messages() {
        return messages.sum();
    }

    long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    long closesAfterBack() {
        return sum(closesAfterBack);
    }

    long closesBeforeBack() {
        return sum(closesBeforeBack);
    }

    /** Closes of connections that were back, with this code. */
    long closesAfterBack(int code) {
        LongAdder count = closesAfterBack.get(code);
        return count == null ? 0 : count.sum();
    }

    /** Failed attempts by kind, most first, as {@code ConnectException: 1200, HTTP 503: 40}. */
    String failureKinds() {
        return failureKinds.entrySet().stream()
                .sorted((a, b) -> a.getValue().sum() != b.getValue().sum()
                        ? Long.compare(b.getValue().sum(), a.getValue().sum()) : a.getKey().compareTo(b.getKey()))
                .map(e -> e.getKey() + ": " + e.getValue().sum())
                .collect(Collectors.joining(", "));
    }

    /** Closes of connections that were back, by code, as {@code 1006x2500 1008x12} (the form of ErrorCounts). */
    String closeCodesAfterBack() {
        return codes(closesAfterBack);
    }

    /** Closes of connections that opened but never got back, by code. */
    String closeCodesBeforeBack() {
        return codes(closesBeforeBack);
    }

    /**
     * What a failed attempt is called in the report: {@code HTTP 503} when the server answered
     * the upgrade with a status, else the simple name of the innermost cause
     * ({@code ConnectException} for a refused connection, {@code TimeoutException} for an
     * attempt that ran out of time).
     */
    static String kind(Throwable cause) {
        Throwable root = cause;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            int status = upgradeStatus(t);
            if (status > 0) {
                return "HTTP " + status;
            }
            root = t;
        }
        return root.getClass().getSimpleName();
    }

    /** The HTTP status of a failed upgrade, or 0 when the exception carries none. */
    private static int upgradeStatus(Throwable t) {
        if (t instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException e) {
            return e.getResponseStatusCode();
        }
        if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException e) {
            return e.getResponseStatusCode();
        }
        return 0;
    }

    private static long sum(ConcurrentMap<Integer, LongAdder> counts) {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static String codes(ConcurrentMap<Integer, LongAdder> counts) {
        Map<Integer, Long> sorted = new TreeMap<>();
        counts.forEach((code, count) -> sorted.put(code, count.sum()));
        return sorted.entrySet().stream().map(e -> e.getKey() + "x" + e.getValue()).collect(Collectors.joining(" "));
    }
}
