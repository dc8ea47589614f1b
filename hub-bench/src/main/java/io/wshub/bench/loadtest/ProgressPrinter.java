package io.wshub.bench.loadtest;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints a progress line every second on stderr, prefixed with the seconds since it started. */
final class ProgressPrinter implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadtest-progress");
        t.setDaemon(true);
        return t;
    });

    ProgressPrinter(PrintWriter err, Supplier<String> line) {
        long start = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            String text;
            try {
                text = line.get();
            } catch (RuntimeException e) {
                text = "progress unavailable: " + e;
            }
            err.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - start) / 1e9, text);
            err.flush();
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
