package io.wshub.operations;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.HealthChecks;
import io.wshub.Hub;
import io.wshub.HubStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The verdicts of the two probes, each a status and a list of reasons:
 * <ul>
 *   <li>live: 200 while the process works; 503 only while a hub's own threads make no progress
 *       (restarting is then the cure). A broker outage or a shutdown is no reason to restart.</li>
 *   <li>ready: 200 only when the node should get traffic; 503 while a hub shuts down or is
 *       stalled, its broker does not reach the other nodes (so also before the node has joined its
 *       cluster), or any named check is down (the canary, the broker's {@code PING}, ...).</li>
 * </ul>
 */
final class Probes {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A probe's answer. */
    record Verdict(int status, ObjectNode body) {
    }

    private Probes() {
    }

    static Verdict live(Map<String, Hub> hubs) {
        List<String> reasons = new ArrayList<>();
        hubs.forEach((path, hub) -> {
            HubStats s = hub.stats();
            if (s.isStalled()) {
                reasons.add(path + ": " + s.stall());
            }
        });
        return verdict(reasons, "live", HealthReport.STALLED);
    }

    static Verdict ready(Map<String, Hub> hubs, List<HealthChecks.Outcome> checks) {
        List<String> reasons = new ArrayList<>();
        hubs.forEach((path, hub) -> {
            HubStats s = hub.stats();
            if (s.shuttingDown()) {
                reasons.add(path + ": shutting down");
            }
            if (s.isStalled()) {
                reasons.add(path + ": " + s.stall());
            }
            if (!s.brokerUp()) {
                reasons.add(path + ": its broker does not reach the other nodes");
            }
        });
        for (HealthChecks.Outcome o : checks) {
            if (!o.healthy()) {
                reasons.add(o.name() + ": " + o.error());
            }
        }
        return verdict(reasons, "ready", "not_ready");
    }

    private static Verdict verdict(List<String> reasons, String good, String bad) {
        ObjectNode body = NODES.objectNode().put("status", reasons.isEmpty() ? good : bad);
        ArrayNode list = body.putArray("reasons");
        reasons.forEach(list::add);
        return new Verdict(reasons.isEmpty() ? 200 : 503, body);
    }
}
