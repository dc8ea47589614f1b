package io.wshub.jetty;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.ErrorKind;
import io.wshub.Hub;
import io.wshub.HubStats;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * The health of a node: its hubs' stats, heap and threads, and one status that decides the HTTP
 * code: {@code shutting_down} (503) while any hub shuts down, else {@code stalled} (503) while any
 * hub's own threads (its timer, its flush lanes) make no progress — a wedged node must leave the
 * load balancer — else {@code degraded} (200) while any hub's broker cannot reach the other nodes,
 * else {@code up} (200).
 */
final class HealthReport {

    static final String UP = "up";
    static final String DEGRADED = "degraded";
    static final String SHUTTING_DOWN = "shutting_down";
    static final String STALLED = "stalled";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode body;
    private final int httpStatus;

    private HealthReport(ObjectNode body, int httpStatus) {
        this.body = body;
        this.httpStatus = httpStatus;
    }

    /** Takes a snapshot of these hubs (by mount path) and of the JVM. */
    static HealthReport of(Map<String, Hub> hubs) {
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
        String status = shuttingDown ? SHUTTING_DOWN : stalled ? STALLED : brokerDown ? DEGRADED : UP;
        ObjectNode body = NODES.objectNode()
                .put("status", status)
                .put("shuttingDown", shuttingDown)
                .put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .put("sessions", sessions)
                .put("rooms", rooms);
        body.set("heap", heap());
        body.set("threads", threads());
        body.set("hubs", perHub);
        return new HealthReport(body, shuttingDown || stalled ? 503 : 200);
    }

    int httpStatus() {
        return httpStatus;
    }

    ObjectNode body() {
        return body;
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always encodes", e);
        }
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
