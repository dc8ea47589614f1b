package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.wshub.DeliveryStats;
import io.wshub.Hub;

import java.util.function.ToDoubleFunction;

/**
 * The delivery guarantees (docs/protocol.md, "Delivery guarantees"): sessions held and resumed, and
 * what the histories, inboxes and dedupe ledgers hold, read from the hub's stats when scraped.
 */
final class DeliveryMeters {

    static final String HOLDS = "wshub.session.holds";
    static final String RESUMES = "wshub.session.resumes";
    static final String HELD = "wshub.held.sessions";
    static final String EXPIRED = "wshub.held.expired";
    static final String HISTORY_MESSAGES = "wshub.history.messages";
    static final String HISTORY_BYTES = "wshub.history.bytes";
    static final String REFS = "wshub.remembered.refs";
    static final String DUPLICATES = "wshub.duplicates";

    private final Counter holds;
    private final Counter resumed;
    private final Counter tookOver;

    DeliveryMeters(MeterRegistry registry, Tags path) {
        holds = Counter.builder(HOLDS)
                .description("Sessions whose connection ended by accident, held for resume")
                .tags(path).register(registry);
        resumed = resumes(registry, path, "resumed");
        tookOver = resumes(registry, path, "taken_over");
    }

    private static Counter resumes(MeterRegistry registry, Tags path, String outcome) {
        return Counter.builder(RESUMES)
                .description("Connections that took a session back with its token: a held one, or one whose old"
                        + " connection was still open (taken_over)")
                .tags(path).tag("outcome", outcome).register(registry);
    }

    void held() {
        holds.increment();
    }

    void resumed(boolean tookOverAnOpenOne) {
        (tookOverAnOpenOne ? tookOver : resumed).increment();
    }

    /** What the hub holds now and has done, read when scraped. */
    static void watch(MeterRegistry registry, Tags path, Hub hub) {
        gauge(registry, path, hub, HELD, "Sessions held for resume now", null, Tags.empty(), DeliveryStats::heldSessions);
        gauge(registry, path, hub, HISTORY_MESSAGES, "Messages kept in the rooms' histories and the sessions' inboxes",
                null, Tags.of("kind", "room"), DeliveryStats::historyMessages);
        gauge(registry, path, hub, HISTORY_MESSAGES, "Messages kept in the rooms' histories and the sessions' inboxes",
                null, Tags.of("kind", "inbox"), DeliveryStats::inboxMessages);
        gauge(registry, path, hub, HISTORY_BYTES, "Payload bytes kept in the rooms' histories and the sessions' inboxes",
                "bytes", Tags.of("kind", "room"), DeliveryStats::historyBytes);
        gauge(registry, path, hub, HISTORY_BYTES, "Payload bytes kept in the rooms' histories and the sessions' inboxes",
                "bytes", Tags.of("kind", "inbox"), DeliveryStats::inboxBytes);
        gauge(registry, path, hub, REFS, "Refs of handled messages remembered for dedupe, over all sessions", null,
                Tags.empty(), DeliveryStats::refs);
        FunctionCounter.builder(EXPIRED, hub, h -> h.stats().delivery().expired())
                .description("Held sessions whose resume window ended without a resume")
                .tags(path).register(registry);
        FunctionCounter.builder(DUPLICATES, hub, h -> h.stats().delivery().duplicates())
                .description("Messages not handled again because their ref already was (their ack went again)")
                .tags(path).register(registry);
    }

    private static void gauge(MeterRegistry registry, Tags path, Hub hub, String name, String description, String baseUnit,
                              Tags more, ToDoubleFunction<DeliveryStats> value) {
        Gauge.builder(name, hub, h -> value.applyAsDouble(h.stats().delivery())).description(description)
                .baseUnit(baseUnit).tags(path).tags(more).strongReference(true).register(registry);
    }
}
