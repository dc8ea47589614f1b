package io.wshub.bench.loadtest;

import org.HdrHistogram.AbstractHistogram;

/**
 * A latency summary in nanoseconds.
 *
 * @param count how many values were recorded
 * @param p50   the median
 * @param p90   the 90th percentile
 * @param p99   the 99th percentile
 * @param p999  the 99.9th percentile
 * @param max   the largest value
 */
record Percentiles(long count, long p50, long p90, long p99, long p999, long max) {

    static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0, 0);

    /** Summarises a histogram; an empty one gives {@link #NONE}. */
    static Percentiles of(AbstractHistogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return NONE;
        }
        return new Percentiles(histogram.getTotalCount(),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue());
    }

    /** Nanoseconds as milliseconds. */
    static double millis(long nanos) {
        return nanos / 1e6;
    }
}
