package io.wshub.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.wshub.Handshake;
import io.wshub.OverflowPolicy;
import io.wshub.Session;
import io.wshub.spi.Tracing;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The hub's {@link Tracing} in OpenTelemetry. Give one to each hub:
 *
 * <pre>{@code
 * Hub hub = Hub.builder()
 *         .handler(RoomProtocol.router().build())
 *         .tracing(HubTracing.create(openTelemetry))
 *         .build();
 * }</pre>
 *
 * <p>Its spans, named and attributed as OpenTelemetry's semantic conventions say (HTTP for the
 * upgrade, messaging for the rest; {@code wshub.*} where they name nothing):
 * <ul>
 *   <li>{@code GET /ws} (server): an upgrade, from its arrival to the hub's answer; its parent is the
 *       trace the request's headers name ({@code traceparent}), or what is current.</li>
 *   <li>{@code process /ws} (consumer): one inbound message handed to the application, with its
 *       size, its session and the type the protocol named; a new trace for each message.</li>
 *   <li>{@code deliver room} or {@code deliver broadcast}: the offer of one message to this node's
 *       sessions, with how many it was queued for; each drop and slow-consumer disconnect in it is
 *       an event.</li>
 *   <li>{@code send room|broadcast|private} (producer) on the publishing node, and
 *       {@code process room|broadcast|private} (consumer) on each node the broker delivers it to:
 *       the hop between nodes, the second a child of the first. A room message sent on node A and
 *       delivered on node B is thus one trace.</li>
 * </ul>
 * The context crosses nodes with the propagators of the {@link OpenTelemetry} given (W3C trace
 * context with the SDK's defaults), carried by brokers that carry it (hub-redis does).
 */
public final class HubTracing implements Tracing {

    /** The instrumentation scope of the spans. */
    public static final String INSTRUMENTATION_NAME = "io.wshub";

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private HubTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Traces through this OpenTelemetry: its tracer provider, and its propagators for the context between nodes. */
    public static HubTracing create(OpenTelemetry openTelemetry) {
        return new HubTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public Span upgrade(Handshake handshake) {
        Context parent = propagator.extract(Context.current(), handshake, HandshakeHeaders.INSTANCE);
        String path = handshake.path().isEmpty() ? "/" : handshake.path();
        SpanBuilder b = tracer.spanBuilder("GET " + path).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(SpanNames.HTTP_REQUEST_METHOD, "GET")
                .setAttribute(SpanNames.URL_PATH, path)
                .setAttribute(SpanNames.HTTP_ROUTE, path);
        InetSocketAddress peer = handshake.remoteAddress();
        if (peer != null) {
            b.setAttribute(SpanNames.CLIENT_ADDRESS, peer.getHostString()).setAttribute(SpanNames.CLIENT_PORT, (long) peer.getPort());
        }
        handshake.header("User-Agent").ifPresent(agent -> b.setAttribute(SpanNames.USER_AGENT_ORIGINAL, agent));
        return begin(b, parent);
    }

    @Override
    public Span message(Session session, boolean binary, int bytes) {
        Context parent = Context.root(); // a session's messages are unrelated work: each is a trace of its own
        String path = session.handshake().path().isEmpty() ? "/" : session.handshake().path();
        return begin(messaging(path, "process", SpanKind.CONSUMER, parent)
                .setAttribute(SpanNames.MESSAGING_DESTINATION_NAME, path)
                .setAttribute(SpanNames.MESSAGING_CLIENT_ID, session.id())
                .setAttribute(SpanNames.MESSAGING_MESSAGE_BODY_SIZE, (long) bytes)
                .setAttribute(SpanNames.MESSAGE_KIND, binary ? "binary" : "text"), parent);
    }

    @Override
    public Span fanOut(String room) {
        Context parent = Context.current();
        SpanBuilder b = tracer.spanBuilder(room == null ? "deliver broadcast" : "deliver room").setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(SpanNames.MESSAGING_SYSTEM, SpanNames.SYSTEM)
                .setAttribute(SpanNames.MESSAGING_OPERATION_TYPE, "send")
                .setAttribute(SpanNames.MESSAGING_OPERATION_NAME, "deliver");
        if (room != null) {
            b.setAttribute(SpanNames.MESSAGING_DESTINATION_NAME, room);
        }
        return begin(b, parent);
    }

    @Override
    public Span publish(BrokerHop hop, String destination) {
        Context parent = Context.current();
        return begin(hop(hop, destination, "send", SpanKind.PRODUCER, parent), parent);
    }

    @Override
    public Span received(BrokerHop hop, String destination, Map<String, String> carried) {
        Context parent = carried == null ? Context.current()
                : propagator.extract(Context.current(), carried, TextFields.INSTANCE);
        return begin(hop(hop, destination, "process", SpanKind.CONSUMER, parent), parent);
    }

    @Override
    public void dropped(Session session, OverflowPolicy policy, int messages) {
        io.opentelemetry.api.trace.Span current = io.opentelemetry.api.trace.Span.current();
        if (current.isRecording()) {
            current.addEvent(SpanNames.DROPPED_EVENT, Attributes.of(SpanNames.MESSAGING_CLIENT_ID, session.id(),
                    SpanNames.OVERFLOW_POLICY, policy.name().toLowerCase(Locale.ROOT),
                    SpanNames.DROPPED_MESSAGES, (long) messages));
        }
    }

    @Override
    public void slowConsumer(Session session) {
        io.opentelemetry.api.trace.Span current = io.opentelemetry.api.trace.Span.current();
        if (current.isRecording()) {
            current.addEvent(SpanNames.SLOW_CONSUMER_EVENT, Attributes.of(SpanNames.MESSAGING_CLIENT_ID, session.id()));
        }
    }

    /** A broker hop's span: named by what crosses, never by the room (rooms are unbounded). */
    private SpanBuilder hop(BrokerHop hop, String destination, String operation, SpanKind kind, Context parent) {
        SpanBuilder b = messaging(hop.name().toLowerCase(Locale.ROOT), operation, kind, parent);
        if (destination != null) {
            b.setAttribute(SpanNames.MESSAGING_DESTINATION_NAME, destination);
        }
        return b;
    }

    /** A messaging span named {@code "<operation> <target>"}, as the conventions name them. */
    private SpanBuilder messaging(String target, String operation, SpanKind kind, Context parent) {
        return tracer.spanBuilder(operation + " " + target).setParent(parent).setSpanKind(kind)
                .setAttribute(SpanNames.MESSAGING_SYSTEM, SpanNames.SYSTEM)
                .setAttribute(SpanNames.MESSAGING_OPERATION_TYPE, operation)
                .setAttribute(SpanNames.MESSAGING_OPERATION_NAME, operation);
    }

    private HubSpan begin(SpanBuilder builder, Context parent) {
        return new HubSpan(builder.startSpan(), parent, propagator);
    }
}
