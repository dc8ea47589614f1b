package io.wshub.internal;

import io.wshub.ErrorKind;
import io.wshub.HistoryLimits;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.spi.Broker;
import io.wshub.spi.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The hub's calls to its {@link Broker}: a broker that throws never stops the hub or its caller.
 * Each failure is counted as {@link ErrorKind#BROKER} and answered with what keeps the node
 * working on its own: an id claim succeeds (local uniqueness has to do), a private message to
 * another node is not found, the remote members are none, the broker is down. Each publication is
 * the span of its hop, whose trace context the broker carries to the other nodes.
 */
final class BrokerCalls {

    private static final Logger log = LoggerFactory.getLogger(BrokerCalls.class);

    /**
     * Longest wait for an answer a join or a resume needs ({@link #awaitAnswer}): beyond any broker's
     * command timeout worth having.
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(5);

    private final Broker broker;
    private final HubCounters counters;
    private final Tracing tracing;

    BrokerCalls(Broker broker, HubCounters counters, Tracing tracing) {
        this.broker = broker;
        this.counters = counters;
        this.tracing = tracing;
    }

    void start(Broker.Delivery delivery) {
        broker.start(delivery);
    }

    void stop() {
        try {
            broker.stop();
        } catch (RuntimeException e) {
            log.warn("broker failed to stop", e);
        }
    }

    boolean isUp() {
        try {
            return broker.isUp();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the node may take sessions; true when the broker fails (a broker outage never stops the node). */
    boolean isJoined() {
        try {
            return broker.isJoined();
        } catch (RuntimeException e) {
            return true;
        }
    }

    void publishBroadcast(Message message, String exceptSessionId) {
        Tracing.Span span = tracing.publish(Tracing.BrokerHop.BROADCAST, null);
        try {
            broker.publishBroadcast(message, exceptSessionId, span.context());
        } catch (RuntimeException e) {
            failed("publishBroadcast", e);
        } finally {
            span.end();
        }
    }

    void publishRoom(String room, Message message, String exceptSessionId) {
        Tracing.Span span = tracing.publish(Tracing.BrokerHop.ROOM, room);
        try {
            broker.publishRoom(room, message, exceptSessionId, span.context());
        } catch (RuntimeException e) {
            failed("publishRoom", e);
        } finally {
            span.end();
        }
    }

    /** Whether a node took the message for the session; false when none has it, or the broker failed. */
    boolean publishPrivate(String sessionId, Message message) {
        return publishPrivate(sessionId, message, null);
    }

    /** As {@link #publishPrivate(String, Message)}, for a message that takes its place in the recipient's inbox. */
    boolean publishPrivate(String sessionId, Positioned message) {
        return publishPrivate(sessionId, null, message);
    }

    /** Publishes the plain message, or else the positioned one. */
    private boolean publishPrivate(String sessionId, Message plain, Positioned positioned) {
        Tracing.Span span = tracing.publish(Tracing.BrokerHop.PRIVATE, sessionId);
        try {
            return plain != null ? broker.publishPrivate(sessionId, plain, span.context())
                    : broker.publishPrivate(sessionId, positioned, span.context());
        } catch (RuntimeException e) {
            failed("publishPrivate", e);
            return false;
        } finally {
            span.end();
        }
    }

    /** Whether the broker orders rooms for the cluster; false when it fails to say. */
    boolean sequencesRooms() {
        try {
            return broker.sequencesRooms();
        } catch (RuntimeException e) {
            failed("sequencesRooms", e);
            return false;
        }
    }

    /** The seq the cluster gave the message; fails (and is counted) when the broker failed. */
    CompletionStage<Long> publishSequenced(String room, Message message, String exceptSessionId, HistoryLimits limits) {
        Tracing.Span span = tracing.publish(Tracing.BrokerHop.ROOM, room);
        try {
            return broker.publishSequenced(room, message, exceptSessionId, limits, span.context());
        } catch (RuntimeException e) {
            failed("publishSequenced", e);
            return CompletableFuture.failedFuture(e);
        } finally {
            span.end();
        }
    }

    /**
     * The room as the cluster orders it, waited for ({@link #awaitAnswer}); null when the broker
     * failed or did not answer in time (counted).
     */
    Broker.RoomRead readRoom(String room, Position since, HistoryLimits limits) {
        return awaitAnswer("readRoom " + room, () -> broker.readRoom(room, since, limits));
    }

    /**
     * Waits ({@link #awaitAnswer}) until the broker says the room's messages from other nodes reach
     * this node; when it fails or does not say so in time (counted) the caller goes on all the same.
     */
    void awaitRoomReady(String room) {
        awaitAnswer("roomReady " + room, () -> broker.roomReady(room));
    }

    /**
     * A broker's answer that a join or a resume needs before the client's reply, waited for on the
     * caller's thread (never under a room's lock) for at most {@link #ANSWER_WAIT}: such calls are rare
     * next to messages. A broker answers within its own command timeout; this bound only stops a
     * broker that never answers.
     *
     * @return the answer; null when the broker threw, failed or did not answer in time (counted once),
     *         or the thread was interrupted
     */
    private <T> T awaitAnswer(String call, Supplier<CompletionStage<T>> answer) {
        try {
            return answer.get().toCompletableFuture().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            log.debug("{} through the broker failed", call, cause);
            counters.error(ErrorKind.BROKER, null, call + ": " + cause);
            return null;
        }
    }

    /** Whether no other node holds the id; true when the broker fails (a broker outage never stops the node). */
    boolean claimSessionId(String sessionId) {
        try {
            return broker.claimSessionId(sessionId);
        } catch (RuntimeException e) {
            failed("claimSessionId", e);
            return true;
        }
    }

    void releaseSessionId(String sessionId) {
        try {
            broker.releaseSessionId(sessionId);
        } catch (RuntimeException e) {
            failed("releaseSessionId", e);
        }
    }

    void roomJoined(String room, String sessionId) {
        try {
            broker.roomJoined(room, sessionId);
        } catch (RuntimeException e) {
            failed("roomJoined", e);
        }
    }

    void roomLeft(String room, String sessionId) {
        try {
            broker.roomLeft(room, sessionId);
        } catch (RuntimeException e) {
            failed("roomLeft", e);
        }
    }

    /** The room's members on other nodes; none when the broker fails. */
    Collection<String> remoteMembers(String room) {
        try {
            return broker.remoteMembers(room);
        } catch (RuntimeException e) {
            failed("remoteMembers", e);
            return List.of();
        }
    }

    private void failed(String call, RuntimeException e) {
        counters.error(ErrorKind.BROKER, null, call + ": " + e);
    }
}
