package io.wshub.bench.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;

/**
 * Latencies recorded by many threads at once (the client's I/O threads): every one goes into the
 * one-second intervals of the progress line, and those of measured messages (sent inside the
 * measured window) also into the total.
 *
 * <p>Recording is wait-free (HdrHistogram's {@link Recorder}); reading is synchronized.
 */
final class LatencyRecorder {

    /** Three significant digits: 0.1 % resolution at every magnitude, ample for p99.9. */
    private static final int SIGNIFICANT_DIGITS = 3;
    /**
     * The largest latency kept apart from others: an hour, longer than any run. A fixed range
     * spares the recording threads the histogram's resizing; larger values are clamped to it.
     */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    private final Recorder live = new Recorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private final Recorder measured = new Recorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);

    // Guarded by "this".
    private final Histogram total = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    private Histogram recycledInterval;
    private Histogram recycledTotal;

    /**
     * Records one latency; negative values (a clock that went backwards) count as zero, values
     * over an hour as an hour.
     *
     * @param measured whether the message was sent inside the measured window
     */
    void record(long nanos, boolean measured) {
        long value = Math.min(Math.max(0, nanos), HIGHEST_NANOS);
        live.recordValue(value);
        if (measured) {
            this.measured.recordValue(value);
        }
    }

    /** Every latency recorded since the previous call. */
    synchronized Percentiles interval() {
        recycledInterval = live.getIntervalHistogram(recycledInterval);
        return Percentiles.of(recycledInterval);
    }

    /** Every measured latency recorded so far. */
    synchronized Percentiles total() {
        recycledTotal = measured.getIntervalHistogram(recycledTotal);
        total.add(recycledTotal);
        return Percentiles.of(total);
    }
}
