package io.wshub.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.wshub.spi.Tracing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One of the hub's spans: current on the thread that began it (its {@link Scope}) until the hub
 * ends it, and told the outcome of its work in the semantic conventions' terms.
 */
final class HubSpan implements Tracing.Span {

    /** Upgrades the hub accepted are answered with 101 Switching Protocols. */
    private static final long SWITCHING_PROTOCOLS = 101;

    private final Span span;
    private final Context context;
    private final Scope scope;
    private final TextMapPropagator propagator;

    /** Begins it: the span becomes current in {@code parent}'s stead until {@link #end()}. */
    HubSpan(Span span, Context parent, TextMapPropagator propagator) {
        this.span = span;
        this.context = parent.with(span);
        this.scope = context.makeCurrent();
        this.propagator = propagator;
    }

    @Override
    public void accepted(String sessionId) {
        span.setAttribute(SpanNames.HTTP_RESPONSE_STATUS_CODE, SWITCHING_PROTOCOLS);
        span.setAttribute(SpanNames.MESSAGING_CLIENT_ID, sessionId);
    }

    /** As HTTP's conventions say for a server: a 5xx is an error of the span, a 4xx the client's. */
    @Override
    public void refused(int status, String reason) {
        span.setAttribute(SpanNames.HTTP_RESPONSE_STATUS_CODE, (long) status);
        span.setAttribute(SpanNames.REFUSAL_REASON, reason);
        if (status >= 500) {
            span.setAttribute(SpanNames.ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR, reason);
        }
    }

    @Override
    public void handled(String type, boolean failed) {
        if (type != null) {
            span.setAttribute(SpanNames.MESSAGE_TYPE, type);
        }
        if (failed) {
            span.setStatus(StatusCode.ERROR, "the handler threw; the session closes with 1011");
        }
    }

    @Override
    public void recipients(int queued) {
        span.setAttribute(SpanNames.RECIPIENTS, (long) queued);
    }

    @Override
    public Map<String, String> context() {
        Map<String, String> fields = new LinkedHashMap<>(4);
        propagator.inject(context, fields, TextFields.INSTANCE);
        return fields.isEmpty() ? null : fields;
    }

    @Override
    public void end() {
        scope.close();
        span.end();
    }
}
