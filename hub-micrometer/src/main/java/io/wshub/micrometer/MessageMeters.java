package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Messages in and out by kind, their sizes, the handler's time by message type, and messages the
 * rate limit refused. Every meter exists from the start, so an event is a field read and an add.
 */
final class MessageMeters {

    static final String MESSAGES = "wshub.messages";
    static final String SIZE = "wshub.message.size";
    static final String HANDLER_DURATION = "wshub.handler.duration";
    static final String RATE_LIMITED = "wshub.rate.limited";

    /** From a presence event to the largest message the hub accepts by default (512 KiB) and beyond. */
    private static final double[] SIZE_BUCKETS = {64, 256, 1024, 4096, 16_384, 65_536, 262_144, 524_288, 1_048_576};
    /** Handlers must be quick: anything past a few milliseconds is worth seeing. */
    private static final Duration[] HANDLER_BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1)};

    private final Counter inText;
    private final Counter inBinary;
    private final Counter inUnknown;
    private final Counter outText;
    private final Counter outBinary;
    private final Counter outUnknown;
    private final DistributionSummary inSize;
    private final DistributionSummary outSize;
    /** Read-only after construction: the types the binding was given, then {@code other}. */
    private final Map<String, Timer> handlerTimes = new HashMap<>();
    private final Timer otherHandlerTime;
    private final Counter rateLimited;

    MessageMeters(MeterRegistry registry, Tags path, Collection<String> messageTypes) {
        inText = messages(registry, path, "in", "text");
        inBinary = messages(registry, path, "in", "binary");
        inUnknown = messages(registry, path, "in", "unknown");
        outText = messages(registry, path, "out", "text");
        outBinary = messages(registry, path, "out", "binary");
        outUnknown = messages(registry, path, "out", "unknown");
        inSize = size(registry, path, "in");
        outSize = size(registry, path, "out");
        for (String type : messageTypes) {
            handlerTimes.put(type, handlerTime(registry, path, type));
        }
        otherHandlerTime = handlerTime(registry, path, Labels.OTHER);
        rateLimited = Counter.builder(RATE_LIMITED)
                .description("Inbound messages the rate limit refused")
                .tags(path)
                .register(registry);
    }

    private static Counter messages(MeterRegistry registry, Tags path, String direction, String kind) {
        return Counter.builder(MESSAGES)
                .description("Messages received (in) and written to transports (out, one per recipient)")
                .tags(path).tag("direction", direction).tag("kind", kind)
                .register(registry);
    }

    private static DistributionSummary size(MeterRegistry registry, Tags path, String direction) {
        return DistributionSummary.builder(SIZE)
                .description("Sizes of messages received (in) and written (out)")
                .baseUnit("bytes")
                .tags(path).tag("direction", direction)
                .serviceLevelObjectives(SIZE_BUCKETS)
                .register(registry);
    }

    private static Timer handlerTime(MeterRegistry registry, Tags path, String type) {
        return Timer.builder(HANDLER_DURATION)
                .description("Time the application's handler took with one inbound message, by message type")
                .tags(path).tag("type", type)
                .serviceLevelObjectives(HANDLER_BUCKETS)
                .register(registry);
    }

    /** A message whose kind the hub did not say. */
    void received(int bytes) {
        inUnknown.increment();
        inSize.record(bytes);
    }

    void received(boolean binary, int bytes) {
        (binary ? inBinary : inText).increment();
        inSize.record(bytes);
    }

    /** A write whose messages' kinds the hub did not say. */
    void written(int messages, long bytes) {
        outUnknown.increment(messages);
        recordOutSizes(messages, bytes);
    }

    void written(int textMessages, int binaryMessages, long bytes) {
        if (textMessages > 0) {
            outText.increment(textMessages);
        }
        if (binaryMessages > 0) {
            outBinary.increment(binaryMessages);
        }
        recordOutSizes(textMessages + binaryMessages, bytes);
    }

    /**
     * A write reports only its total, so each of its messages is recorded at the write's mean size:
     * exact for the usual write of one message, and the sum stays the bytes written.
     */
    private void recordOutSizes(int messages, long bytes) {
        if (messages <= 0) {
            return;
        }
        double mean = (double) bytes / messages;
        for (int i = 0; i < messages; i++) {
            outSize.record(mean);
        }
    }

    void handled(String type, long nanos) {
        Timer timer = type == null ? null : handlerTimes.get(type);
        (timer == null ? otherHandlerTime : timer).record(nanos, TimeUnit.NANOSECONDS);
    }

    void rateLimited() {
        rateLimited.increment();
    }
}
