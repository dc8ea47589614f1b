package io.wshub.bench.loadtest;

import java.util.function.LongSupplier;

/** The rate of a growing counter since the previous call, for the progress line (one caller). */
final class RateTicker {

    private final LongSupplier counter;
    private long lastValue;
    private long lastAt = System.nanoTime();

    RateTicker(LongSupplier counter) {
        this.counter = counter;
        this.lastValue = counter.getAsLong();
    }

    double perSecond() {
        long now = System.nanoTime();
        long value = counter.getAsLong();
        double rate = Rates.perSecond(value - lastValue, now - lastAt);
        lastValue = value;
        lastAt = now;
        return rate;
    }
}
