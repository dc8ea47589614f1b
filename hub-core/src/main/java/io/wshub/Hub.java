package io.wshub;

import io.wshub.internal.HubFactory;
import io.wshub.spi.Broker;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.DeliveryStore;
import io.wshub.spi.MetricsListener;
import io.wshub.spi.Scheduler;
import io.wshub.spi.Tracing;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A WebSocket hub: its sessions, rooms, broadcasts and private messages, independent of any
 * transport. A transport adapter (such as {@code hub-jetty}) feeds it connections through
 * {@link #acceptor()}; the application reacts to sessions in its {@link HubHandler}.
 *
 * <pre>{@code
 * Hub hub = Hub.builder()
 *         .options(HubOptions.builder().maxConnections(5_000).build())
 *         .handler(RoomProtocol.router().build())
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe. Sending never blocks: every message goes to bounded per-session queues.
 */
public interface Hub {

    /** A builder with the default options, no handler, and a single-node broker. */
    static Builder builder() {
        return new Builder();
    }

    /** The options the hub was built with. */
    HubOptions options();

    /**
     * The session with this id on this node, until its transport reports the close (a closing
     * session is still found; {@link Session#isOpen()} tells).
     */
    Optional<Session> session(String id);

    /** A snapshot of the open sessions on this node. */
    Collection<Session> sessions();

    /** How many sessions are open on this node. */
    int sessionCount();

    /** The rooms. */
    Rooms rooms();

    /**
     * Sends the frame to every session except {@code except} (may be null), on this node and,
     * through the broker, on others. Encode once: the same frame goes to every queue.
     *
     * @return how many local sessions it was queued for
     */
    int broadcast(Message frame, Session except);

    /** Sends the frame to every session; see {@link #broadcast(Message, Session)}. */
    default int broadcast(Message frame) {
        return broadcast(frame, null);
    }

    /**
     * Sends the frame to the session with this id: queued locally when it is here, forwarded
     * through the broker when another node holds it.
     */
    SendResult sendTo(String sessionId, Message frame);

    /**
     * Sends a message to the session with this id as {@link #sendTo(String, Message)} does, giving it
     * its place in the session's inbox: with resume on ({@link HubOptions#resumeWindow()}) it takes
     * the inbox's next seq and is kept there, so that a client that loses its connection gets it when
     * it resumes; it is kept for a held session too ({@link Session#isHeld()}), which is then
     * {@link SendResult#QUEUED}. Other nodes get {@code message.unpositioned()}.
     */
    SendResult sendTo(String sessionId, Positioned message);

    /** Counts an error in the stats and tells the metrics listener; for handlers and protocols. */
    void reportError(ErrorKind kind, Session session, String detail);

    /**
     * Names the type of the inbound message the session's handler is handling now ({@code join_room},
     * say), for the handler-time metric ({@link MetricsListener#messageHandled}) and the message's
     * span; protocols call it from the handler, on its thread. Called anywhere else, or with a
     * session of another hub, it does nothing.
     */
    default void reportMessageType(Session session, String type) {
    }

    /** A snapshot of the counters. */
    HubStats stats();

    /** What a transport adapter hands its upgrade requests to. */
    ConnectionAcceptor acceptor();

    /** Whether {@link #shutdown()} has begun. */
    boolean isShuttingDown();

    /**
     * Shuts down gracefully within the configured grace period; see {@link #shutdown(Duration)}.
     */
    default CompletableFuture<Void> shutdown() {
        return shutdown(options().shutdownGrace());
    }

    /**
     * Shuts down gracefully: refuses new connections (503), gives every session its shutdown
     * notice ({@link HubHandler#onShutdown}), closes every session with 1001 after its queue
     * drains, and drops the connections still open when the grace period ends. Calling it again
     * returns the same future.
     *
     * @return completes when every session has closed and the hub's threads have stopped
     */
    CompletableFuture<Void> shutdown(Duration grace);

    /** Builds a {@link Hub}. */
    final class Builder {
        HubOptions options = HubOptions.defaults();
        HubHandler handler = new HubHandler() {
        };
        Authenticator authenticator = Authenticator.ANONYMOUS;
        OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        Broker broker;
        MetricsListener metrics = MetricsListener.NONE;
        Tracing tracing = Tracing.NONE;
        Scheduler scheduler;
        Executor flushExecutor;
        DeliveryStore deliveryStore;

        private Builder() {
        }

        /** The limits and timings; defaults to {@link HubOptions#defaults()}. */
        public Builder options(HubOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** What the application does with sessions and messages. */
        public Builder handler(HubHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Who may connect; defaults to everyone, anonymously. */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** Which browser origins may connect; defaults to {@link OriginPolicy#sameOrigin()}. */
        public Builder originPolicy(OriginPolicy originPolicy) {
            this.originPolicy = Objects.requireNonNull(originPolicy, "originPolicy");
            return this;
        }

        /** How messages reach other nodes; defaults to a single node. The hub starts and stops it. */
        public Builder broker(Broker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /** Who hears about connects, messages, drops and errors; defaults to no one. */
        public Builder metrics(MetricsListener metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Who traces upgrades, handled messages, fan-outs and broker hops ({@code hub-opentelemetry});
         * defaults to no one, which costs the hub's hot paths nothing.
         */
        public Builder tracing(Tracing tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /**
         * The clock and timer of heartbeats, write timeouts and rate limits; defaults to a daemon
         * thread on the system clock. Tests pass a manual one.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Where a large fan-out writes to its recipients' transports; defaults to one daemon
         * thread per core, owned and stopped by the hub. {@code Runnable::run} writes on the
         * caller's thread.
         */
        public Builder flushExecutor(Executor flushExecutor) {
            this.flushExecutor = Objects.requireNonNull(flushExecutor, "flushExecutor");
            return this;
        }

        /**
         * Where room histories, inboxes, the refs of handled messages and resume tokens are kept
         * (docs/protocol.md, "Delivery guarantees"); defaults to this node's memory
         * ({@link InMemoryDeliveryStore}).
         */
        public Builder deliveryStore(DeliveryStore deliveryStore) {
            this.deliveryStore = Objects.requireNonNull(deliveryStore, "deliveryStore");
            return this;
        }

        /** Builds and starts the hub (its timer and broker). */
        public Hub build() {
            return HubFactory.create(options, handler, authenticator, originPolicy, broker, metrics,
                    tracing, scheduler, flushExecutor, deliveryStore);
        }
    }
}
