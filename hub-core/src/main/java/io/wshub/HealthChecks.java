package io.wshub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's named {@link HealthCheck}s: added and removed by name at any time, run together by
 * {@link #run()}. Thread-safe.
 *
 * <p>What a run promises:
 * <ul>
 *   <li>every check runs on this object's own daemon threads, never on the caller's, so a
 *       server's I/O threads never wait for one; the threads end when idle, so there is nothing
 *       to close. A {@link HealthCheck.NonBlocking} check is the exception: it runs on the
 *       caller's thread, having promised never to block;</li>
 *   <li>the run completes by the longest timeout of its checks at the latest: a check not done
 *       by its own timeout is reported down ({@code timed out after N ms});</li>
 *   <li>a check still running (from an earlier run, say, past its timeout) is not started again:
 *       the new run waits for that one, so health requests arriving in a burst cost one check,
 *       and a check that hangs holds one thread, not one per request.</li>
 * </ul>
 */
public final class HealthChecks {

    /**
     * What one check reported in a run.
     *
     * @param name     the check's name
     * @param healthy  whether it passed within its timeout
     * @param duration how long it took (its timeout when it timed out)
     * @param error    why it failed, empty when healthy
     * @param metadata the facts it added
     */
    public record Outcome(String name, boolean healthy, Duration duration, String error, Map<String, Object> metadata) {

        /** Copies the metadata. */
        public Outcome {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(error, "error");
            metadata = Map.copyOf(metadata);
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * Never more threads than checks running at once; an idle one ends after two seconds, so a
     * stopped server leaves none behind and nothing needs closing (a probe every few seconds costs
     * a thread start, next to nothing).
     */
    private final Executor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                Thread t = new Thread(task, "wshub-health-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    /** Guarded by {@code this}; in the order they were added. */
    private final Map<String, Entry> checks = new LinkedHashMap<>();

    /** No checks yet. */
    public HealthChecks() {
    }

    /**
     * Adds a check.
     *
     * @param timeout how long one run of it may take before it counts as down
     * @throws IllegalArgumentException when the name is blank or taken, or the timeout not positive
     */
    public synchronized HealthChecks add(String name, Duration timeout, HealthCheck check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(check, "check");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a check's name must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout of check " + name + " must be positive, was " + timeout);
        }
        if (checks.containsKey(name)) {
            throw new IllegalArgumentException("a check named " + name + " is already added");
        }
        checks.put(name, new Entry(name, timeout, check));
        return this;
    }

    /**
     * Removes the check with this name; a run under way still reports it.
     *
     * @return whether there was one
     */
    public synchronized boolean remove(String name) {
        return checks.remove(name) != null;
    }

    /** The names of the checks, in the order they were added. */
    public synchronized List<String> names() {
        return List.copyOf(checks.keySet());
    }

    /**
     * Runs every check at once.
     *
     * @return completes with every check's outcome, in the order they were added, by the longest
     *         timeout at the latest; never fails
     */
    public CompletableFuture<List<Outcome>> run() {
        List<Entry> entries;
        synchronized (this) {
            entries = new ArrayList<>(checks.values());
        }
        List<CompletableFuture<Outcome>> runs = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            runs.add(e.run(executor));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .thenApply(done -> runs.stream().map(CompletableFuture::join).toList());
    }

    /** One check and its run under way. */
    private static final class Entry {
        private final String name;
        private final Duration timeout;
        private final HealthCheck check;
        /** The run under way or the last one; guarded by {@code this}. */
        private CompletableFuture<Outcome> running;
        /** When {@link #running} started (nanoTime); guarded by {@code this}. */
        private long startedNanos;

        Entry(String name, Duration timeout, HealthCheck check) {
            this.name = name;
            this.timeout = timeout;
            this.check = check;
        }

        /** This check's outcome within its timeout: of the run under way, or of a new one. */
        synchronized CompletableFuture<Outcome> run(Executor executor) {
            if (check instanceof HealthCheck.NonBlocking) {
                return CompletableFuture.completedFuture(checkOnce());
            }
            long now = System.nanoTime();
            if (running == null || running.isDone()) {
                startedNanos = now;
                running = start(executor);
            }
            long left = timeout.toNanos() - (now - startedNanos);
            Outcome timedOut = new Outcome(name, false, timeout, "timed out after " + timeout.toMillis() + " ms", Map.of());
            if (left <= 0) {
                return CompletableFuture.completedFuture(timedOut);
            }
            return running.copy().completeOnTimeout(timedOut, left, TimeUnit.NANOSECONDS);
        }

        private CompletableFuture<Outcome> start(Executor executor) {
            try {
                return CompletableFuture.supplyAsync(this::checkOnce, executor)
                        .exceptionally(e -> failed(e, 0)); // an Error escaped the check
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(failed(e, 0));
            }
        }

        private Outcome checkOnce() {
            long start = System.nanoTime();
            HealthCheck.Result r;
            try {
                r = check.check();
            } catch (Exception e) {
                return failed(e, System.nanoTime() - start);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (r == null) {
                return new Outcome(name, false, took, "the check returned no result", Map.of());
            }
            return new Outcome(name, r.healthy(), took, r.error(), r.metadata());
        }

        private Outcome failed(Throwable e, long nanos) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(name, false, Duration.ofNanos(nanos), "the check threw " + e, Map.of());
        }
    }
}
