package io.wshub.examples.client;

import org.awaitility.Awaitility;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects what a program prints, line by line, for a test to wait on. Thread-safe. */
final class Lines extends OutputStream {

    // Guarded by "this".
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();

    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines.add(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
        } else {
            partial.write(b);
        }
    }

    synchronized List<String> all() {
        return List.copyOf(lines);
    }

    /** Waits until a line at or after index {@code from} matches; returns its index. */
    int awaitLine(int from, Predicate<String> match, Duration atMost) {
        int[] found = {-1};
        Awaitility.await().atMost(atMost).until(() -> {
            List<String> now = all();
            for (int i = from; i < now.size(); i++) {
                if (match.test(now.get(i))) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    synchronized int count() {
        return lines.size();
    }
}
