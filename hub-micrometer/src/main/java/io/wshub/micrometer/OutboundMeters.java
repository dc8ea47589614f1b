package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.wshub.OverflowPolicy;

import java.util.EnumMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Backpressure: messages the overflow policies dropped, slow consumers closed, the oldest wait. */
final class OutboundMeters {

    static final String DROPPED = "wshub.dropped";
    static final String SLOW_CONSUMERS = "wshub.slow.consumer.disconnects";
    static final String OLDEST_AGE = "wshub.queue.oldest.age";

    private final EnumMap<OverflowPolicy, Counter> dropped;
    private final Counter slowConsumers;
    /** Written by the hub's timer, read by scrapes. */
    private final AtomicLong oldestAgeNanos = new AtomicLong();

    OutboundMeters(MeterRegistry registry, Tags path) {
        dropped = Labels.each(OverflowPolicy.class, (policy, label) -> Counter.builder(DROPPED)
                .description("Messages an overflow policy discarded from a full outbound queue")
                .tags(path).tag("policy", label)
                .register(registry));
        slowConsumers = Counter.builder(SLOW_CONSUMERS)
                .description("Sessions closed because they did not read fast enough (queue overflow or write timeout)")
                .tags(path)
                .register(registry);
        TimeGauge.builder(OLDEST_AGE, oldestAgeNanos, TimeUnit.NANOSECONDS, AtomicLong::get)
                .description("How long the oldest message waiting in any outbound queue has waited")
                .tags(path)
                .register(registry);
    }

    void dropped(OverflowPolicy policy) {
        dropped.get(policy).increment();
    }

    void slowConsumer() {
        slowConsumers.increment();
    }

    void oldestAge(long nanos) {
        oldestAgeNanos.set(nanos);
    }
}
