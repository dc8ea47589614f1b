package io.wshub.operations;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.wshub.ErrorKind;
import io.wshub.HealthChecks;
import io.wshub.Hub;
import io.wshub.HubStats;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;

/**
 * The health of a node: its hubs' stats, its named checks, the JVM (heap, threads, collections,
 * version), and one status that decides the HTTP code: {@code shutting_down} (503) while any hub
 * shuts down, else {@code stalled} (503) while any hub's own threads (its timer, its flush lanes)
 * make no progress — a wedged node must leave the load balancer — else {@code degraded} (200)
 * while any hub's broker cannot reach the other nodes or any check is down, else {@code up} (200).
 */
final class HealthReport {

    static final String UP = "up";
    static final String DEGRADED = "degraded";
    static final String SHUTTING_DOWN = "shutting_down";
    static final String STALLED = "stalled";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode body;
    private final int httpStatus;

    private HealthReport(ObjectNode body, int httpStatus) {
        this.body = body;
        this.httpStatus = httpStatus;
    }

    /** Takes a snapshot of these hubs (by mount path) and of the JVM, with the outcomes of a run of the checks. */
    static HealthReport of(Map<String, Hub> hubs, List<HealthChecks.Outcome> checks) {
        boolean shuttingDown = false;
        boolean stalled = false;
        boolean brokerDown = false;
        long sessions = 0;
        long rooms = 0;
        ObjectNode perHub = NODES.objectNode();
        for (Map.Entry<String, Hub> e : hubs.entrySet()) {
            HubStats s = e.getValue().stats();
            shuttingDown |= s.shuttingDown();
            stalled |= s.isStalled();
            brokerDown |= !s.brokerUp();
            sessions += s.sessions();
            rooms += s.rooms();
            perHub.set(e.getKey(), stats(s));
        }
        boolean checkDown = checks.stream().anyMatch(o -> !o.healthy());
        String status = shuttingDown ? SHUTTING_DOWN : stalled ? STALLED : brokerDown || checkDown ? DEGRADED : UP;
        ObjectNode body = NODES.objectNode()
                .put("status", status)
                .put("shuttingDown", shuttingDown)
                .put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .put("sessions", sessions)
                .put("rooms", rooms);
        body.set("heap", heap());
        body.set("threads", threads());
        body.set("gc", gc());
        body.set("jvm", jvm());
        body.set("hubs", perHub);
        body.set("checks", checks(checks));
        return new HealthReport(body, shuttingDown || stalled ? 503 : 200);
    }

    int httpStatus() {
        return httpStatus;
    }

    ObjectNode body() {
        return body;
    }

    private static ObjectNode stats(HubStats s) {
        ObjectNode node = NODES.objectNode()
                .put("sessions", s.sessions())
                .put("rooms", s.rooms())
                .put("connects", s.connects())
                .put("disconnects", s.disconnects())
                .put("messagesIn", s.messagesIn())
                .put("bytesIn", s.bytesIn())
                .put("messagesOut", s.messagesOut())
                .put("bytesOut", s.bytesOut())
                .put("queuedBytes", s.queuedBytes())
                .put("droppedNewest", s.droppedNewest())
                .put("droppedOldest", s.droppedOldest())
                .put("slowConsumerDisconnects", s.slowConsumerDisconnects())
                .put("rateLimited", s.rateLimited())
                .put("brokerUp", s.brokerUp())
                .put("shuttingDown", s.shuttingDown())
                .put("uptimeSeconds", s.uptime().toSeconds());
        if (s.isStalled()) {
            node.put("stall", s.stall());
        }
        ObjectNode errors = node.putObject("errors");
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind.name(), s.errors(kind));
        }
        return node;
    }

    /** Each check: name, {@code up} or {@code down}, how long it took, why it failed, and its metadata. */
    static ArrayNode checks(List<HealthChecks.Outcome> outcomes) {
        ArrayNode list = NODES.arrayNode();
        for (HealthChecks.Outcome o : outcomes) {
            ObjectNode check = list.addObject()
                    .put("name", o.name())
                    .put("status", o.healthy() ? UP : "down")
                    .put("durationMillis", o.duration().toNanos() / 1_000 / 1_000.0);
            if (!o.healthy()) {
                check.put("error", o.error());
            }
            check.set("metadata", HttpAnswers.JSON.valueToTree(o.metadata()));
        }
        return list;
    }

    /** Collections and the time they took, over every collector, since the JVM started. */
    private static ObjectNode gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount()); // -1: the collector does not say
            millis += Math.max(0, gc.getCollectionTime());
        }
        return NODES.objectNode().put("collections", count).put("pauseMillis", millis);
    }

    private static ObjectNode jvm() {
        return NODES.objectNode()
                .put("version", Runtime.version().toString())
                .put("vendor", System.getProperty("java.vm.vendor", ""))
                .put("name", System.getProperty("java.vm.name", ""));
    }

    private static ObjectNode heap() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return NODES.objectNode()
                .put("usedBytes", heap.getUsed())
                .put("committedBytes", heap.getCommitted())
                .put("maxBytes", heap.getMax());
    }

    private static ObjectNode threads() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return NODES.objectNode()
                .put("live", threads.getThreadCount())
                .put("daemon", threads.getDaemonThreadCount())
                .put("peak", threads.getPeakThreadCount());
    }
}
