package io.wshub.bench.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/** What went wrong during a run, counted by kind; thread-safe. The first error is kept as an example. */
final class ErrorCounts {

    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder unexpectedCloses = new LongAdder();
    private final LongAdder transportErrors = new LongAdder();
    private final LongAdder badFrames = new LongAdder();
    private final ConcurrentMap<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private final AtomicReference<String> first = new AtomicReference<>();

    void connectFailed(Throwable cause) {
        connectFailures.increment();
        remember("connect: " + describe(cause));
    }

    void sendFailed(Throwable cause) {
        sendFailures.increment();
        remember("send: " + describe(cause));
    }

    /** The server closed a connection the load tool still wanted. */
    void closedByServer(int code, String reason) {
        unexpectedCloses.increment();
        closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
        remember("closed by server: " + code + " " + reason);
    }

    void transportError(Throwable cause) {
        transportErrors.increment();
        remember("transport: " + describe(cause));
    }

    /** A message that was not what the scenario expected (no stamp, or not the one sent). */
    void badFrame(String what) {
        badFrames.increment();
        remember("bad frame: " + what);
    }

    long connectFailures() {
        return connectFailures.sum();
    }

    long unexpectedCloses() {
        return unexpectedCloses.sum();
    }

    /** The first error seen, or "none". */
    String firstError() {
        String error = first.get();
        return error == null ? "none" : error;
    }

    long total() {
        return connectFailures.sum() + sendFailures.sum() + unexpectedCloses.sum() + transportErrors.sum()
                + badFrames.sum();
    }

    /** Adds the error rows to a report. */
    void addTo(Report report) {
        report.add("errors", "errors", total())
                .add("connectFailures", "  connect failures", connectFailures.sum())
                .add("sendFailures", "  send failures", sendFailures.sum())
                .add("closedByServer", "  closed by server", unexpectedCloses.sum())
                .add("closeCodes", "  close codes", closeCodes())
                .add("transportErrors", "  transport errors", transportErrors.sum())
                .add("badFrames", "  bad frames", badFrames.sum())
                .add("firstError", "  first error", first.get() == null ? "" : first.get());
    }

    /** Close codes and their counts, as {@code 1008x3 1006x1}. */
    String closeCodes() {
        Map<Integer, Long> sorted = new TreeMap<>();
        closeCodes.forEach((code, count) -> sorted.put(code, count.sum()));
        return sorted.entrySet().stream().map(e -> e.getKey() + "x" + e.getValue()).collect(Collectors.joining(" "));
    }

    private void remember(String error) {
        first.compareAndSet(null, error);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
