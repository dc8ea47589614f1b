package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Publishes to the other nodes by outcome, and the canary's round trip through the broker. */
final class BrokerMeters {

    static final String PUBLISHES = "wshub.broker.publish";
    static final String CANARY = "wshub.broker.canary";

    /** A healthy broker answers within milliseconds; seconds mean readiness is about to fail. */
    private static final Duration[] CANARY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private final Counter succeeded;
    private final Counter failed;
    private final Timer canary;

    BrokerMeters(MeterRegistry registry, Tags path) {
        succeeded = publishes(registry, path, "succeeded");
        failed = publishes(registry, path, "failed");
        canary = Timer.builder(CANARY)
                .description("Round trip of the canary message the node sends itself through the broker")
                .tags(path)
                .serviceLevelObjectives(CANARY_BUCKETS)
                .register(registry);
    }

    private static Counter publishes(MeterRegistry registry, Tags path, String outcome) {
        return Counter.builder(PUBLISHES)
                .description("Publishes to the other nodes through the broker, by outcome")
                .tags(path).tag("outcome", outcome)
                .register(registry);
    }

    void published(boolean ok) {
        (ok ? succeeded : failed).increment();
    }

    void canaryAnswered(long nanos) {
        canary.record(nanos, TimeUnit.NANOSECONDS);
    }
}
