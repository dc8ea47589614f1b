package io.wshub.examples.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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

    private final Recorder live = new Recorder(SIGNIFICANT_DIGITS); // auto-resizing: any range
    private final Recorder measured = new Recorder(SIGNIFICANT_DIGITS);

    // Guarded by "this".
    private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
    private Histogram recycledInterval;
    private Histogram recycledTotal;

    /**
     * Records one latency; negative values (a clock that went backwards) count as zero.
     *
     * @param measured whether the message was sent inside the measured window
     */
    void record(long nanos, boolean measured) {
        long value = Math.max(0, nanos);
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
