package io.wshub.jetty;

import io.wshub.Hub;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers every request it gets with the node's health as JSON: {@code status} ({@code up},
 * {@code degraded} or {@code shutting_down}), {@code shuttingDown}, {@code uptimeSeconds},
 * {@code sessions} and {@code rooms} over all hubs, {@code heap}, {@code threads}, and each hub's
 * stats under {@code hubs}. HTTP 200, or 503 while shutting down, so a load balancer stops sending
 * new clients. {@link WshubHandler} serves it on its health path; mount it yourself to serve it
 * elsewhere (an admin port, say).
 */
public final class HealthHandler extends Handler.Abstract.NonBlocking {

    private static final HttpField JSON_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");

    private final Map<String, Hub> hubs;

    /** @param hubs the hubs to report, by name (their mount paths, say), in the order to list them */
    public HealthHandler(Map<String, Hub> hubs) {
        this.hubs = new LinkedHashMap<>(hubs);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method)) {
            response.getHeaders().add(ALLOW);
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        HealthReport report = HealthReport.of(hubs);
        byte[] json = report.toJson();
        response.setStatus(report.httpStatus());
        response.getHeaders().add(JSON_TYPE);
        response.getHeaders().add(NO_STORE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
        response.write(true, head ? null : ByteBuffer.wrap(json), callback);
        return true;
    }
}
