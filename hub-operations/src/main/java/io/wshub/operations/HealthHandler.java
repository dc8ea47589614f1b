package io.wshub.operations;

import io.wshub.HealthChecks;
import io.wshub.Hub;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers every request it gets with the node's health as JSON: {@code status} ({@code up},
 * {@code degraded}, {@code stalled} or {@code shutting_down}), {@code shuttingDown},
 * {@code uptimeSeconds}, {@code sessions} and {@code rooms} over all hubs, {@code heap},
 * {@code threads}, {@code gc}, {@code jvm}, each hub's stats under {@code hubs}, and each named
 * check under {@code checks} (name, status, duration, error, metadata). HTTP 200, or 503 while
 * shutting down or stalled, so a load balancer stops sending new clients; a check that is down
 * makes the node {@code degraded} (200 here, 503 on the readiness probe).
 *
 * <p>The checks run on their own threads, never on Jetty's: the answer is written when they are
 * done, by the longest check's timeout at the latest. {@link OperationsHandler} serves this on its
 * health path, and beside it the probes {@code /live} and {@code /ready}; mount it yourself to
 * serve the report elsewhere (an admin port, say).
 */
public final class HealthHandler extends Handler.Abstract.NonBlocking {

    /** What a request to this handler asks. */
    enum Probe {
        /** The whole report. */
        REPORT,
        /** Whether the process works. */
        LIVE,
        /** Whether the node should get traffic. */
        READY
    }

    private final Map<String, Hub> hubs;
    private final HealthChecks checks;
    private final Probe probe;

    /**
     * A handler reporting these hubs, with a {@code hub:PATH} check for each; add more through
     * {@link #checks()}.
     *
     * @param hubs the hubs to report, by name (their mount paths, say), in the order to list them
     */
    public HealthHandler(Map<String, Hub> hubs) {
        this(hubs, HubChecks.of(hubs), Probe.REPORT);
    }

    HealthHandler(Map<String, Hub> hubs, HealthChecks checks, Probe probe) {
        this.hubs = new LinkedHashMap<>(hubs);
        this.checks = checks;
        this.probe = probe;
    }

    /** The named checks this handler runs for each request; add and remove checks here at any time. */
    public HealthChecks checks() {
        return checks;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (HttpAnswers.refusedUnlessRead(request, response, callback)) {
            return true;
        }
        if (probe == Probe.LIVE) { // no check runs: a liveness probe must answer even when they hang
            Probes.Verdict v = Probes.live(hubs);
            HttpAnswers.json(request, response, callback, v.status(), v.body());
            return true;
        }
        checks.run().whenComplete((outcomes, error) -> {
            if (error != null) { // run() never fails; should it, the node's health is unknown
                Response.writeError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            } else {
                answer(request, response, callback, outcomes);
            }
        });
        return true;
    }

    private void answer(Request request, Response response, Callback callback, List<HealthChecks.Outcome> outcomes) {
        if (probe == Probe.READY) {
            Probes.Verdict v = Probes.ready(hubs, outcomes);
            HttpAnswers.json(request, response, callback, v.status(), v.body());
        } else {
            HealthReport report = HealthReport.of(hubs, outcomes);
            HttpAnswers.json(request, response, callback, report.httpStatus(), report.body());
        }
    }
}
