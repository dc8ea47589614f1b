package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.wshub.CloseStatus;

import java.time.Duration;
import java.util.EnumMap;

/** Upgrades accepted and refused, and how long sessions lasted, by why they ended. */
final class ConnectionMeters {

    static final String CONNECTIONS = "wshub.connections";
    static final String SESSION_DURATION = "wshub.session.duration";

    /** Buckets from a reconnect loop (seconds) to a browser tab left open all day. */
    private static final Duration[] DURATION_BUCKETS = {
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1)};

    private final Counter accepted;
    private final EnumMap<RefusalReason, Counter> refused;
    private final EnumMap<CloseReason, Timer> durations;

    ConnectionMeters(MeterRegistry registry, Tags path) {
        this.accepted = connections(registry, path, "accepted", "none");
        this.refused = Labels.each(RefusalReason.class, (reason, label) -> connections(registry, path, "refused", label));
        this.durations = Labels.each(CloseReason.class, (reason, label) -> Timer.builder(SESSION_DURATION)
                .description("How long sessions stayed open, by why they ended")
                .tags(path).tag("reason", label)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry));
    }

    private static Counter connections(MeterRegistry registry, Tags path, String outcome, String reason) {
        return Counter.builder(CONNECTIONS)
                .description("Upgrade requests, accepted or refused (with the refusal's reason)")
                .tags(path).tag("outcome", outcome).tag("reason", reason)
                .register(registry);
    }

    void accepted() {
        accepted.increment();
    }

    void refused(int status, String reason) {
        refused.get(RefusalReason.of(status, reason)).increment();
    }

    void closed(CloseStatus status, Duration connectedFor) {
        durations.get(CloseReason.of(status)).record(connectedFor);
    }
}
