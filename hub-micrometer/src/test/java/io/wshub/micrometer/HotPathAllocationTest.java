package io.wshub.micrometer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wshub.OverflowPolicy;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The per-message events allocate nothing in the binding, on the Prometheus registry: a counter
 * and a distribution per label value made up front, no tags built, no string joined.
 */
class HotPathAllocationTest {

    private static final int EVENTS = 100_000;

    @Test
    void perMessageEventsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeThat(threads.isThreadAllocatedMemorySupported()).as("this JVM counts allocations").isTrue();
        HubMetrics metrics = HubMetrics.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).path("/ws")
                .messageTypes(List.of("join_room", "room_message")).build();
        String type = new String("room_message".toCharArray()); // as a parser makes it: equal, not the same
        Runnable events = () -> {
            for (int i = 0; i < EVENTS; i++) {
                metrics.messageReceived(null, false, 120);
                metrics.messageHandled(null, type, 15_000);
                metrics.messagesWritten(null, 1, 0, 140);
                metrics.messageDropped(null, OverflowPolicy.DROP_OLDEST);
            }
        };
        for (int warm = 0; warm < 3; warm++) {
            events.run(); // first uses: classes loaded, buffers made, the loop compiled
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        events.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // Slack for the measurement itself and a late compilation (about a kilobyte, seen on a busy
        // machine), far below one byte per event (400 000 bytes).
        assertThat(allocated).as("bytes allocated by %d × 4 events", EVENTS).isLessThan(16_000);
    }
}
