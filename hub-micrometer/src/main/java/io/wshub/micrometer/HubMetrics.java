package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.OverflowPolicy;
import io.wshub.Session;
import io.wshub.spi.Broker;
import io.wshub.spi.MetricsListener;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The metrics of one hub in a Micrometer {@link MeterRegistry}: give it to the hub as its
 * {@link MetricsListener}, then let it {@link #watch} the hub for what the hub holds now.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry(); // or the PrometheusMeterRegistry you scrape
 * HubMetrics metrics = HubMetrics.builder(registry).path("/ws")
 *         .messageTypes(List.of("join_room", "leave_room", "room_message", "private_message", "broadcast", "ping"))
 *         .build();
 * Hub hub = Hub.builder().handler(RoomProtocol.router().build()).metrics(metrics).build();
 * metrics.watch(hub);
 * }</pre>
 *
 * <p>Every meter carries the {@code path} label, and no meter has a label per session or per room.
 * Meters for every label value are registered when this is built, so an event costs a field read
 * and an atomic add: nothing is allocated and no meter is looked up by its tags. docs/operations.md
 * lists the meters as Prometheus shows them.
 *
 * <p>Thread-safe, as the listener's contract asks.
 */
public final class HubMetrics implements MetricsListener {

    static final String ERRORS = "wshub.errors";

    private final MeterRegistry registry;
    private final Tags path;
    private final ConnectionMeters connections;
    private final MessageMeters messages;
    private final OutboundMeters outbound;
    private final BrokerMeters broker;
    private final DeliveryMeters delivery;
    private final EnumMap<ErrorKind, Counter> errors;
    private final AtomicBoolean watching = new AtomicBoolean();
    /** The broker's circuit breakers by name, made on their first report. */
    private final Map<String, BreakerMeters> breakers = new ConcurrentHashMap<>();

    private HubMetrics(Builder b) {
        this.registry = b.registry;
        this.path = Tags.of(Labels.PATH, b.path);
        this.connections = new ConnectionMeters(registry, path);
        this.messages = new MessageMeters(registry, path, b.messageTypes);
        this.outbound = new OutboundMeters(registry, path);
        this.broker = new BrokerMeters(registry, path);
        this.delivery = new DeliveryMeters(registry, path);
        this.errors = Labels.each(ErrorKind.class, (kind, label) -> Counter.builder(ERRORS)
                .description("Errors the hub counted, by kind")
                .tags(path).tag("kind", label)
                .register(registry));
    }

    /** A builder registering in this registry. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Registers the gauges of what this hub holds now (sessions, rooms and their members, queued
     * messages and bytes, whether the broker is up, held sessions, histories, inboxes and refs), read
     * when the registry is scraped. Call it
     * once, with the hub this listener was given to.
     *
     * @return this
     * @throws IllegalStateException when it already watches a hub
     */
    public HubMetrics watch(Hub hub) {
        Objects.requireNonNull(hub, "hub");
        if (!watching.compareAndSet(false, true)) {
            throw new IllegalStateException("already watching a hub; make one HubMetrics per hub");
        }
        HubGauges.register(registry, path, hub);
        DeliveryMeters.watch(registry, path, hub);
        return this;
    }

    @Override
    public void upgradeRefused(Handshake handshake, int status, String reason) {
        connections.refused(status, reason);
    }

    @Override
    public void sessionOpened(Session session) {
        connections.accepted();
    }

    @Override
    public void sessionClosed(Session session, CloseStatus status, Duration connectedFor) {
        connections.closed(status, connectedFor);
    }

    @Override
    public void sessionHeld(Session session, CloseStatus status) {
        delivery.held();
    }

    @Override
    public void sessionResumed(Session session, boolean tookOver) {
        connections.accepted(); // an accepted upgrade, as any other
        delivery.resumed(tookOver);
    }

    @Override
    public void messageReceived(Session session, int bytes) {
        messages.received(bytes);
    }

    @Override
    public void messageReceived(Session session, boolean binary, int bytes) {
        messages.received(binary, bytes);
    }

    @Override
    public void messagesWritten(Session session, int count, long bytes) {
        messages.written(count, bytes);
    }

    @Override
    public void messagesWritten(Session session, int textMessages, int binaryMessages, long bytes) {
        messages.written(textMessages, binaryMessages, bytes);
    }

    @Override
    public void messageHandled(Session session, String type, long nanos) {
        messages.handled(type, nanos);
    }

    @Override
    public void rateLimited(Session session) {
        messages.rateLimited();
    }

    @Override
    public void messageDropped(Session session, OverflowPolicy policy) {
        outbound.dropped(policy);
    }

    @Override
    public void slowConsumerDisconnected(Session session, CloseStatus status) {
        outbound.slowConsumer();
    }

    @Override
    public void oldestQueuedMessageAge(long nanos) {
        outbound.oldestAge(nanos);
    }

    @Override
    public void brokerPublished(boolean succeeded) {
        broker.published(succeeded);
    }

    @Override
    public void brokerCanaryAnswered(long roundTripNanos) {
        broker.canaryAnswered(roundTripNanos);
    }

    @Override
    public void brokerBreakerState(String breaker, Broker.BreakerState state) {
        breaker(breaker).state(state);
    }

    @Override
    public void brokerBreakerCall(String breaker, Broker.BreakerCall outcome) {
        breaker(breaker).call(outcome);
    }

    private BreakerMeters breaker(String name) {
        BreakerMeters meters = breakers.get(name); // no lambda made once the breaker is known
        return meters != null ? meters : breakers.computeIfAbsent(name, n -> new BreakerMeters(registry, path, n));
    }

    @Override
    public void error(ErrorKind kind, Session session, String detail) {
        errors.get(kind).increment();
    }

    /** Builds a {@link HubMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private String path;
        private Collection<String> messageTypes = List.of();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** The hub's mount path, the value of every meter's {@code path} label (e.g. {@code /ws}); required. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * The message types whose handler time is told apart (the protocol's own, a bounded set);
         * every other type counts as {@code other}. Defaults to none.
         */
        public Builder messageTypes(Collection<String> types) {
            this.messageTypes = List.copyOf(types);
            return this;
        }

        /**
         * Registers every meter but the gauges (see {@link #watch}).
         *
         * @throws IllegalStateException when no path was given
         */
        public HubMetrics build() {
            if (path == null || path.isEmpty()) {
                throw new IllegalStateException("give the hub's path, the value of the path label");
            }
            return new HubMetrics(this);
        }
    }
}
