package io.wshub.operations;

import io.wshub.HealthCheck;
import io.wshub.HealthChecks;
import io.wshub.Hub;
import io.wshub.HubStats;

import java.time.Duration;
import java.util.Map;

/** The built-in check of each hub, {@code hub:PATH}: its own threads (timer, flush lanes) make progress. */
final class HubChecks {

    /** Reading the stats takes microseconds; a second means the node itself is in trouble. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private HubChecks() {
    }

    /** Checks holding one {@code hub:PATH} check per hub. */
    static HealthChecks of(Map<String, Hub> hubs) {
        HealthChecks checks = new HealthChecks();
        hubs.forEach((path, hub) -> checks.add("hub:" + path, TIMEOUT, (HealthCheck.NonBlocking) () -> {
            HubStats s = hub.stats(); // counters and timestamps: never blocks
            return s.isStalled() ? HealthCheck.Result.down(s.stall()) : HealthCheck.Result.up(Map.of("sessions", s.sessions()));
        }));
        return checks;
    }
}
