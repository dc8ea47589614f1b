package io.wshub.internal;

import io.wshub.HistoryLimits;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.spi.Broker;

import java.util.concurrent.CompletionStage;

/**
 * The rooms' side of a broker that {@linkplain Broker#sequencesRooms() orders rooms for the cluster}:
 * publishing a message to be sequenced, and reading a room's position and history where the cluster
 * keeps them, for a join that needs them and for a resume.
 *
 * <p>A read waits, on the thread of the join or the resume (never under a room's lock), for at most
 * {@link BrokerCalls#ANSWER_WAIT}: a recovering join, a resume and the first join of a room this node
 * has not seen are rare next to messages, and their answer must come before the client's reply.
 */
final class ClusterRooms {

    private final BrokerCalls broker;
    private final HistoryLimits limits;

    ClusterRooms(BrokerCalls broker, HistoryLimits limits) {
        this.broker = broker;
        this.limits = limits;
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
        return broker.readRoom(room, since, limits);
    }
}
