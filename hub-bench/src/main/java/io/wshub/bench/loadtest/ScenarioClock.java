package io.wshub.bench.loadtest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The timeline of a timed scenario: once started, a warm-up, then the measured window. Every
 * thread asks it which phase it is in; the scenario's thread waits on it.
 */
final class ScenarioClock {

    private final long warmupNanos;
    private final long durationNanos;
    // Written once by the scenario's thread in start(), read by every thread.
    private volatile boolean started;
    private volatile long measureFrom;
    private volatile long end;

    ScenarioClock(Duration warmup, Duration duration) {
        this.warmupNanos = warmup.toNanos();
        this.durationNanos = duration.toNanos();
    }

    /** Starts the warm-up now. */
    void start() {
        long now = System.nanoTime();
        measureFrom = now + warmupNanos;
        end = measureFrom + durationNanos;
        started = true;
    }

    /** Whether {@code nanos} falls inside the measured window. */
    boolean isMeasuring(long nanos) {
        return started && nanos - measureFrom >= 0 && nanos - end < 0;
    }

    /** Whether now falls inside the measured window. */
    boolean isMeasuring() {
        return isMeasuring(System.nanoTime());
    }

    /** Whether the measured window is over. */
    boolean isOver(long nanos) {
        return started && nanos - end >= 0;
    }

    long measureFrom() {
        return measureFrom;
    }

    long end() {
        return end;
    }

    /** The phase now, for the progress line. */
    String phase() {
        if (!started) {
            return "connect";
        }
        long now = System.nanoTime();
        return now - measureFrom < 0 ? "warm-up" : now - end < 0 ? "measure" : "finish";
    }

    void awaitMeasureStart() throws InterruptedException {
        sleepUntil(measureFrom);
    }

    void awaitEnd() throws InterruptedException {
        sleepUntil(end);
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
