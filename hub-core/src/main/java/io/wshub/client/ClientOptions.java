package io.wshub.client;

import java.time.Duration;
import java.util.Objects;

import static io.wshub.internal.Checks.positive;

/**
 * A {@link ReconnectingClient}'s timings and limits. Immutable; build with {@link #builder()}, which
 * validates every field and names the field and the value in its error.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>{@code initialBackoff}</td><td>2 s: the longest wait before the first retry</td></tr>
 *   <tr><td>{@code maxBackoff}</td><td>30 s: the wait ceiling doubles from {@code initialBackoff} up to this;
 *       each wait is drawn uniformly between 0 and the ceiling (full jitter), so that clients cut off
 *       together do not come back together</td></tr>
 *   <tr><td>{@code backoffResetAfter}</td><td>30 s: a connection that stays open this long resets the ceiling</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>10 s for connecting and upgrading</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>20 s: below the 30 s idle timeout of many proxies and of Jetty</td></tr>
 *   <tr><td>{@code pongTimeout}</td><td>30 s without a pong or any other frame drops the connection</td></tr>
 *   <tr><td>{@code maxMessageBytes}</td><td>512 KiB, the hub's own limit, both ways</td></tr>
 *   <tr><td>{@code maxBufferedMessages}</td><td>1024 messages waiting to be written</td></tr>
 *   <tr><td>{@code maxBufferedBytes}</td><td>4 MiB waiting to be written</td></tr>
 *   <tr><td>{@code overflowPolicy}</td><td>{@link BufferOverflowPolicy#DROP_NEWEST}: the sender learns at once</td></tr>
 *   <tr><td>{@code sendTimeout}</td><td>60 s from send to written (for a {@link RoomClient}
 *       send to a server that acknowledges: to its ack): rides out a restart and two full 30 s waits,
 *       and fails messages nobody waits for any more</td></tr>
 *   <tr><td>{@code restoreTimeout}</td><td>10 s for the {@link RestoreHook}s of one connection</td></tr>
 *   <tr><td>{@code receiveQueueMessages}</td><td>1024 unread messages for {@link ReconnectingClient#receive};
 *       when full, the client stops reading until one is taken</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>5 s for the server to answer the close frame before the socket is dropped</td></tr>
 *   <tr><td>{@code retryPolicy}</td><td>{@link RetryPolicy#standard()}</td></tr>
 *   <tr><td>{@code maxStreamBytes}</td><td>64 MiB, the hub's own: the largest inbound message a client built
 *       with {@link ReconnectingClient.Builder#onChunk} takes, all its chunks together; one byte more closes with 1009</td></tr>
 *   <tr><td>{@code streamWindow}</td><td>4, the hub's own: the chunks of a {@link ReconnectingClient#stream} accepted
 *       before the first is written</td></tr>
 * </table>
 */
public record ClientOptions(
        Duration initialBackoff,
        Duration maxBackoff,
        Duration backoffResetAfter,
        Duration handshakeTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        long maxMessageBytes,
        int maxBufferedMessages,
        long maxBufferedBytes,
        BufferOverflowPolicy overflowPolicy,
        Duration sendTimeout,
        Duration restoreTimeout,
        int receiveQueueMessages,
        Duration closeTimeout,
        RetryPolicy retryPolicy,
        long maxStreamBytes,
        int streamWindow) {

    /** Validates every field; prefer {@link #builder()}. */
    public ClientOptions {
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        positive("backoffResetAfter", backoffResetAfter);
        positive("handshakeTimeout", handshakeTimeout);
        positive("pingInterval", pingInterval);
        positive("pongTimeout", pongTimeout);
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxBufferedMessages", maxBufferedMessages);
        positive("maxBufferedBytes", maxBufferedBytes);
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        positive("sendTimeout", sendTimeout);
        positive("restoreTimeout", restoreTimeout);
        positive("receiveQueueMessages", receiveQueueMessages);
        positive("closeTimeout", closeTimeout);
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        positive("maxStreamBytes", maxStreamBytes);
        positive("streamWindow", streamWindow);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff
                    + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
        }
        if (pongTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("pongTimeout (" + pongTimeout
                    + ") must be longer than pingInterval (" + pingInterval + ")");
        }
        // So that every message the client may send fits into an empty buffer.
        if (maxBufferedBytes < maxMessageBytes) {
            throw new IllegalArgumentException("maxBufferedBytes (" + maxBufferedBytes
                    + ") must not be smaller than maxMessageBytes (" + maxMessageBytes + ")");
        }
    }

    /** The defaults. */
    public static ClientOptions defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link ClientOptions}; starts from the defaults. */
    public static final class Builder {
        private Duration initialBackoff = Duration.ofSeconds(2);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration backoffResetAfter = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private long maxMessageBytes = 512 * 1024;
        private int maxBufferedMessages = 1024;
        private long maxBufferedBytes = 4 * 1024 * 1024;
        private BufferOverflowPolicy overflowPolicy = BufferOverflowPolicy.DROP_NEWEST;
        private Duration sendTimeout = Duration.ofSeconds(60);
        private Duration restoreTimeout = Duration.ofSeconds(10);
        private int receiveQueueMessages = 1024;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private RetryPolicy retryPolicy = RetryPolicy.standard();
        private long maxStreamBytes = 64L * 1024 * 1024;
        private int streamWindow = 4;

        private Builder() {
        }

        private Builder(ClientOptions o) {
            initialBackoff = o.initialBackoff;
            maxBackoff = o.maxBackoff;
            backoffResetAfter = o.backoffResetAfter;
            handshakeTimeout = o.handshakeTimeout;
            pingInterval = o.pingInterval;
            pongTimeout = o.pongTimeout;
            maxMessageBytes = o.maxMessageBytes;
            maxBufferedMessages = o.maxBufferedMessages;
            maxBufferedBytes = o.maxBufferedBytes;
            overflowPolicy = o.overflowPolicy;
            sendTimeout = o.sendTimeout;
            restoreTimeout = o.restoreTimeout;
            receiveQueueMessages = o.receiveQueueMessages;
            closeTimeout = o.closeTimeout;
            retryPolicy = o.retryPolicy;
            maxStreamBytes = o.maxStreamBytes;
            streamWindow = o.streamWindow;
        }

        /** The wait ceiling after the first failure; it doubles with every further failure. */
        public Builder initialBackoff(Duration v) {
            initialBackoff = v;
            return this;
        }

        /** The largest wait ceiling. */
        public Builder maxBackoff(Duration v) {
            maxBackoff = v;
            return this;
        }

        /** How long a connection must stay open for the wait ceiling to start again from {@code initialBackoff}. */
        public Builder backoffResetAfter(Duration v) {
            backoffResetAfter = v;
            return this;
        }

        /** How long connecting and upgrading may take before the attempt counts as failed. */
        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        /** How often the client pings the server. */
        public Builder pingInterval(Duration v) {
            pingInterval = v;
            return this;
        }

        /** Longest silence (no pong, no frame) before the connection counts as dead; must exceed the ping interval. */
        public Builder pongTimeout(Duration v) {
            pongTimeout = v;
            return this;
        }

        /** Largest message in bytes, sent or received (UTF-8 for text). */
        public Builder maxMessageBytes(long v) {
            maxMessageBytes = v;
            return this;
        }

        /** Most messages waiting to be written. */
        public Builder maxBufferedMessages(int v) {
            maxBufferedMessages = v;
            return this;
        }

        /** Most bytes waiting to be written; at least {@code maxMessageBytes}. */
        public Builder maxBufferedBytes(long v) {
            maxBufferedBytes = v;
            return this;
        }

        /** What a full send buffer does with the next message. */
        public Builder overflowPolicy(BufferOverflowPolicy v) {
            overflowPolicy = v;
            return this;
        }

        /** Longest time from send to written before the send fails. */
        public Builder sendTimeout(Duration v) {
            sendTimeout = v;
            return this;
        }

        /** Longest time the restore hooks of one connection may take. */
        public Builder restoreTimeout(Duration v) {
            restoreTimeout = v;
            return this;
        }

        /** Most unread messages held for {@code receive}. */
        public Builder receiveQueueMessages(int v) {
            receiveQueueMessages = v;
            return this;
        }

        /** How long the server has to answer the close frame before the socket is dropped. */
        public Builder closeTimeout(Duration v) {
            closeTimeout = v;
            return this;
        }

        /** Largest inbound message taken as chunks ({@link ReconnectingClient.Builder#onChunk}), all its chunks together. */
        public Builder maxStreamBytes(long v) {
            maxStreamBytes = v;
            return this;
        }

        /** How many chunks of an outbound stream ({@link ReconnectingClient#stream}) may wait unwritten. */
        public Builder streamWindow(int v) {
            streamWindow = v;
            return this;
        }

        /** Which failures are retried. */
        public Builder retryPolicy(RetryPolicy v) {
            retryPolicy = v;
            return this;
        }

        /** Validates and builds. */
        public ClientOptions build() {
            return new ClientOptions(initialBackoff, maxBackoff, backoffResetAfter, handshakeTimeout, pingInterval,
                    pongTimeout, maxMessageBytes, maxBufferedMessages, maxBufferedBytes, overflowPolicy, sendTimeout,
                    restoreTimeout, receiveQueueMessages, closeTimeout, retryPolicy, maxStreamBytes, streamWindow);
        }
    }
}
