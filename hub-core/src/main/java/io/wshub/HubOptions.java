package io.wshub;

import java.time.Duration;
import java.util.Objects;

import static io.wshub.internal.Checks.positive;

/**
 * The hub's limits and timings. Immutable; build with {@link #builder()}, which validates every
 * field and names the field and the value in its error. Defaults follow common practice (docs/configuration.md):
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>{@code maxMessageBytes}</td><td>512 KiB; a larger inbound message closes with 1009</td></tr>
 *   <tr><td>{@code maxQueuedMessages}</td><td>256 per session</td></tr>
 *   <tr><td>{@code maxQueuedBytes}</td><td>4 MiB per session</td></tr>
 *   <tr><td>{@code overflowPolicy}</td><td>{@link OverflowPolicy#DISCONNECT}</td></tr>
 *   <tr><td>{@code maxTotalQueuedBytes}</td><td>a quarter of the JVM's largest heap ({@code Runtime.maxMemory()}),
 *       for all the hub's queues together; when they reach it, the hub reads its sessions more slowly</td></tr>
 *   <tr><td>{@code deliveryPolicies}</td><td>{@link DeliveryPolicies#NONE}: every message gets {@code overflowPolicy}</td></tr>
 *   <tr><td>{@code writeTimeout}</td><td>10 s; a write in flight longer closes the session</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>54 s</td></tr>
 *   <tr><td>{@code pongTimeout}</td><td>60 s without a pong or any frame closes the session</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>5 s for the peer to answer a close frame before the connection is dropped</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>10 s from admission to open</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>10 000</td></tr>
 *   <tr><td>{@code rateLimit}</td><td>{@link RateLimit#DEFAULT}: 100 msg/s, burst 200</td></tr>
 *   <tr><td>{@code shutdownGrace}</td><td>10 s for queues to drain on shutdown</td></tr>
 *   <tr><td>{@code shutdownCloseRate}</td><td>1 000 sessions per second: a shutdown closes its sessions in random order at
 *       this pace, over at most half the grace period, so their clients do not all reconnect to the other nodes at once;
 *       0 closes them all at once</td></tr>
 *   <tr><td>{@code sessionIdParameter}</td><td>{@code id}: the query parameter a client may name its id with; empty disables it</td></tr>
 *   <tr><td>{@code addressLimits}</td><td>{@link AddressLimits#NONE}: no limit per client address</td></tr>
 *   <tr><td>{@code trustedProxies}</td><td>{@link TrustedProxies#NONE}: a client's address is its TCP peer's</td></tr>
 *   <tr><td>{@code roomHistory}</td><td>{@link HistoryLimits#OFF}: rooms keep no history and give no positions
 *       ({@link HistoryLimits#DEFAULT}, what the room server keeps, is 1 000 messages, 1 MiB and 5 minutes per room)</td></tr>
 *   <tr><td>{@code resumeWindow}</td><td>zero, off: a session ends with its connection (the room server holds it 60 s)</td></tr>
 *   <tr><td>{@code inbox}</td><td>{@link HistoryLimits#DEFAULT}: what a session's inbox of private messages keeps, with resume on</td></tr>
 *   <tr><td>{@code dedupeWindow}</td><td>1 000: the refs remembered per session, so a message sent again is not handled again; 0 off</td></tr>
 *   <tr><td>{@code maxStreamBytes}</td><td>64 MiB: the largest inbound message a streaming handler
 *       ({@link HubHandler#streamsMessages()}) takes, all its chunks together; one byte more closes with 1009</td></tr>
 *   <tr><td>{@code streamWindow}</td><td>4: the chunks of an {@link OutboundStream} accepted before the first is written</td></tr>
 * </table>
 *
 * <p>The delivery guarantees (positions, recovery, resume, dedupe) are described in docs/protocol.md.
 */
public record HubOptions(
        long maxMessageBytes,
        int maxQueuedMessages,
        long maxQueuedBytes,
        OverflowPolicy overflowPolicy,
        long maxTotalQueuedBytes,
        DeliveryPolicies deliveryPolicies,
        Duration writeTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        Duration closeTimeout,
        Duration handshakeTimeout,
        int maxConnections,
        RateLimit rateLimit,
        Duration shutdownGrace,
        int shutdownCloseRate,
        String sessionIdParameter,
        AddressLimits addressLimits,
        TrustedProxies trustedProxies,
        HistoryLimits roomHistory,
        Duration resumeWindow,
        HistoryLimits inbox,
        int dedupeWindow,
        long maxStreamBytes,
        int streamWindow) {

    /** Validates every field; prefer {@link #builder()}. */
    public HubOptions {
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxQueuedMessages", maxQueuedMessages);
        positive("maxQueuedBytes", maxQueuedBytes);
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        positive("maxTotalQueuedBytes", maxTotalQueuedBytes);
        Objects.requireNonNull(deliveryPolicies, "deliveryPolicies");
        positive("writeTimeout", writeTimeout);
        positive("pingInterval", pingInterval);
        positive("pongTimeout", pongTimeout);
        positive("closeTimeout", closeTimeout);
        positive("handshakeTimeout", handshakeTimeout);
        positive("maxConnections", maxConnections);
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must be >= 0, was " + shutdownGrace);
        }
        if (shutdownCloseRate < 0) {
            throw new IllegalArgumentException("shutdownCloseRate must be >= 0 (0 closes every session at once), was "
                    + shutdownCloseRate);
        }
        Objects.requireNonNull(sessionIdParameter, "sessionIdParameter");
        Objects.requireNonNull(addressLimits, "addressLimits");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(roomHistory, "roomHistory");
        Objects.requireNonNull(resumeWindow, "resumeWindow");
        if (resumeWindow.isNegative()) {
            throw new IllegalArgumentException("resumeWindow must be >= 0 (0 turns resume off), was " + resumeWindow);
        }
        Objects.requireNonNull(inbox, "inbox");
        if (dedupeWindow < 0) {
            throw new IllegalArgumentException("dedupeWindow must be >= 0 (0 turns dedupe off), was " + dedupeWindow);
        }
        positive("maxStreamBytes", maxStreamBytes);
        positive("streamWindow", streamWindow);
        if (pongTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("pongTimeout (" + pongTimeout
                    + ") must be longer than pingInterval (" + pingInterval + ")");
        }
    }

    /** The defaults. */
    public static HubOptions defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default of {@code maxTotalQueuedBytes}: a quarter of the largest heap the JVM may use, so
     * that queued messages leave the application three quarters of it.
     */
    public static long defaultMaxTotalQueuedBytes() {
        return Math.max(1, Runtime.getRuntime().maxMemory() / 4);
    }

    /** Whether rooms keep a history and give their messages positions. */
    public boolean historyOn() {
        return !roomHistory.isOff();
    }

    /** Whether a session outlives its connection for the resume window. */
    public boolean resumeOn() {
        return !resumeWindow.isZero();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link HubOptions}; starts from the defaults. */
    public static final class Builder {
        private long maxMessageBytes = 512 * 1024;
        private int maxQueuedMessages = 256;
        private long maxQueuedBytes = 4 * 1024 * 1024;
        private OverflowPolicy overflowPolicy = OverflowPolicy.DISCONNECT;
        private long maxTotalQueuedBytes = defaultMaxTotalQueuedBytes();
        private DeliveryPolicies deliveryPolicies = DeliveryPolicies.NONE;
        private Duration writeTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(54);
        private Duration pongTimeout = Duration.ofSeconds(60);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int maxConnections = 10_000;
        private RateLimit rateLimit = RateLimit.DEFAULT;
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private int shutdownCloseRate = 1000;
        private String sessionIdParameter = "id";
        private AddressLimits addressLimits = AddressLimits.NONE;
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private HistoryLimits roomHistory = HistoryLimits.OFF;
        private Duration resumeWindow = Duration.ZERO;
        private HistoryLimits inbox = HistoryLimits.DEFAULT;
        private int dedupeWindow = 1000;
        private long maxStreamBytes = 64L * 1024 * 1024;
        private int streamWindow = 4;

        private Builder() {
        }

        private Builder(HubOptions o) {
            maxMessageBytes = o.maxMessageBytes;
            maxQueuedMessages = o.maxQueuedMessages;
            maxQueuedBytes = o.maxQueuedBytes;
            overflowPolicy = o.overflowPolicy;
            maxTotalQueuedBytes = o.maxTotalQueuedBytes;
            deliveryPolicies = o.deliveryPolicies;
            writeTimeout = o.writeTimeout;
            pingInterval = o.pingInterval;
            pongTimeout = o.pongTimeout;
            closeTimeout = o.closeTimeout;
            handshakeTimeout = o.handshakeTimeout;
            maxConnections = o.maxConnections;
            rateLimit = o.rateLimit;
            shutdownGrace = o.shutdownGrace;
            shutdownCloseRate = o.shutdownCloseRate;
            sessionIdParameter = o.sessionIdParameter;
            addressLimits = o.addressLimits;
            trustedProxies = o.trustedProxies;
            roomHistory = o.roomHistory;
            resumeWindow = o.resumeWindow;
            inbox = o.inbox;
            dedupeWindow = o.dedupeWindow;
            maxStreamBytes = o.maxStreamBytes;
            streamWindow = o.streamWindow;
        }

        /** Largest inbound message in bytes (UTF-8 for text). */
        public Builder maxMessageBytes(long v) {
            maxMessageBytes = v;
            return this;
        }

        /** Most messages waiting in one session's outbound queue. */
        public Builder maxQueuedMessages(int v) {
            maxQueuedMessages = v;
            return this;
        }

        /** Most bytes waiting in one session's outbound queue. */
        public Builder maxQueuedBytes(long v) {
            maxQueuedBytes = v;
            return this;
        }

        /** What a full outbound queue does with the next message. */
        public Builder overflowPolicy(OverflowPolicy v) {
            overflowPolicy = v;
            return this;
        }

        /**
         * Most bytes waiting in all the hub's outbound queues together (docs/overload.md): when they
         * reach it, the sessions behind that hold them are cut back by their policies or, when the
         * queues of sessions that keep up hold it, the hub stops reading from its sessions until the
         * queues drain to three quarters of it, so TCP pushes back on the publishers. Defaults to a
         * quarter of the JVM's largest heap; {@code Long.MAX_VALUE} turns it off. What a resuming or
         * recovering client is replayed from a history counts against it no more than against one
         * queue's limits: those messages are the histories' memory, bounded by their own limits.
         */
        public Builder maxTotalQueuedBytes(long v) {
            maxTotalQueuedBytes = v;
            return this;
        }

        /** Policies by room and by message type that replace {@link #overflowPolicy} for their messages. */
        public Builder deliveryPolicies(DeliveryPolicies v) {
            deliveryPolicies = v;
            return this;
        }

        /** Longest a write may stay in flight before the session is closed as a slow consumer. */
        public Builder writeTimeout(Duration v) {
            writeTimeout = v;
            return this;
        }

        /** How often the hub pings each session. */
        public Builder pingInterval(Duration v) {
            pingInterval = v;
            return this;
        }

        /** Longest silence (no pong, no frame) before a session is closed; must exceed the ping interval. */
        public Builder pongTimeout(Duration v) {
            pongTimeout = v;
            return this;
        }

        /** How long the peer has to answer a close frame before the connection is dropped. */
        public Builder closeTimeout(Duration v) {
            closeTimeout = v;
            return this;
        }

        /** How long an admitted upgrade may take to open before its reservation is released. */
        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        /** Most sessions at once, counting upgrades in progress; beyond it upgrades get 503. */
        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        /** The inbound rate limit of each session. */
        public Builder rateLimit(RateLimit v) {
            rateLimit = v;
            return this;
        }

        /** How long shutdown waits for outbound queues to drain before dropping connections. */
        public Builder shutdownGrace(Duration v) {
            shutdownGrace = v;
            return this;
        }

        /**
         * How many sessions per second a shutdown closes: each gets its notice and 1001 in turn, in
         * random order, evenly spaced at this rate, and all within the first half of the grace
         * period (faster when the rate would take longer), which leaves the other half for the last
         * ones' queues to drain. So a node's clients reach the other nodes spread out, not all at
         * once. 0 closes every session at once.
         */
        public Builder shutdownCloseRate(int v) {
            shutdownCloseRate = v;
            return this;
        }

        /** The query parameter a client names its session id with; empty to always assign ids. */
        public Builder sessionIdParameter(String v) {
            sessionIdParameter = v;
            return this;
        }

        /** The limits on what one client address may do: sessions at once, upgrades per second (429 beyond). */
        public Builder addressLimits(AddressLimits v) {
            addressLimits = v;
            return this;
        }

        /** The reverse proxies whose forwarded header gives a client's address. */
        public Builder trustedProxies(TrustedProxies v) {
            trustedProxies = v;
            return this;
        }

        /**
         * What each room keeps of its messages, for positions and recovery; {@link HistoryLimits#OFF}
         * (the default) keeps nothing and gives room messages no {@code seq}.
         */
        public Builder roomHistory(HistoryLimits v) {
            roomHistory = v;
            return this;
        }

        /**
         * How long a session outlives a connection that ended by accident (anything but the
         * client's own 1000 or 1005 close, or a close for abuse), to be resumed with its token;
         * zero (the default) turns resume off.
         */
        public Builder resumeWindow(Duration v) {
            resumeWindow = v;
            return this;
        }

        /**
         * What a session's inbox of private messages keeps while resume is on, so that what it missed
         * can be replayed; a session held longer than the age limit loses its oldest ones.
         */
        public Builder inbox(HistoryLimits v) {
            inbox = v;
            return this;
        }

        /** How many refs each session remembers, so that a message sent again is not handled again; 0 turns it off. */
        public Builder dedupeWindow(int v) {
            dedupeWindow = v;
            return this;
        }

        /**
         * The largest inbound message a streaming handler takes, all its chunks together (each chunk,
         * one frame, is also held to {@code maxMessageBytes}); a larger one closes with 1009.
         */
        public Builder maxStreamBytes(long v) {
            maxStreamBytes = v;
            return this;
        }

        /**
         * How many chunks an {@link OutboundStream} accepts ahead of the one being written: its memory is
         * this many of the sender's chunks, whatever the message's size.
         */
        public Builder streamWindow(int v) {
            streamWindow = v;
            return this;
        }

        /** Validates and builds. */
        public HubOptions build() {
            return new HubOptions(maxMessageBytes, maxQueuedMessages, maxQueuedBytes, overflowPolicy,
                    maxTotalQueuedBytes, deliveryPolicies,
                    writeTimeout, pingInterval, pongTimeout, closeTimeout, handshakeTimeout, maxConnections,
                    rateLimit, shutdownGrace, shutdownCloseRate, sessionIdParameter, addressLimits, trustedProxies,
                    roomHistory, resumeWindow, inbox, dedupeWindow, maxStreamBytes, streamWindow);
        }
    }
}
