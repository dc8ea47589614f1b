package io.wshub.internal;

import io.wshub.HistoryLimits;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.spi.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The rooms' side of a broker that {@linkplain Broker#sequencesRooms() orders rooms for the cluster}:
 * publishing a message to be sequenced, and reading a room's position and history where the cluster
 * keeps them, for a join that needs them and for a resume.
 *
 * <p>A read waits, on the thread of the join or the resume (never under a room's lock), for at most
 * {@link #READ_WAIT}: a recovering join, a resume and the first join of a room this node has not seen
 * are rare next to messages, and their answer must come before the client's reply. A broker answers
 * within its own command timeout; this bound only stops a broker that never answers.
 */
final class ClusterRooms {

    private static final Logger log = LoggerFactory.getLogger(ClusterRooms.class);

    /** Longest wait for a read: beyond any broker's command timeout worth having. */
    static final Duration READ_WAIT = Duration.ofSeconds(5);

    private final BrokerCalls broker;
    private final HistoryLimits limits;
    private final HubCounters counters;

    ClusterRooms(BrokerCalls broker, HistoryLimits limits, HubCounters counters) {
        this.broker = broker;
        this.limits = limits;
        this.counters = counters;
    }

    CompletionStage<Long> publish(String room, Message unpositioned, String exceptId) {
        return broker.publishSequenced(room, unpositioned, exceptId, limits);
    }

    /**
     * The room's position and, with {@code since}, what came after it; null when the broker did not
     * answer in time or failed (counted): the join then answers without a position, the resume does
     * not recover the room.
     */
    Broker.RoomRead read(String room, Position since) {
        try {
            return broker.readRoom(room, since, limits).toCompletableFuture()
                    .get(READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.debug("reading room {} from the broker failed", room, cause);
            counters.error(io.wshub.ErrorKind.BROKER, null, "readRoom " + room + ": " + cause);
            return null;
        }
    }
}
