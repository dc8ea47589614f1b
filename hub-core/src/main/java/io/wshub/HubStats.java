package io.wshub;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the hub's counters; cheap to take (no session is visited). Counters are totals
 * since the hub started.
 *
 * @param sessions                 sessions open now
 * @param rooms                    rooms on this node now
 * @param connects                 sessions opened
 * @param disconnects              sessions closed
 * @param messagesIn               inbound messages
 * @param bytesIn                  inbound bytes
 * @param messagesOut              messages written to transports (one per recipient)
 * @param bytesOut                 bytes written to transports
 * @param queuedBytes              bytes waiting in all outbound queues now
 * @param droppedNewest            messages refused by {@link OverflowPolicy#DROP_NEWEST}
 * @param droppedOldest            messages discarded by {@link OverflowPolicy#DROP_OLDEST}
 * @param slowConsumerDisconnects  sessions closed by {@link OverflowPolicy#DISCONNECT} or the write timeout
 * @param rateLimited              inbound messages refused by the rate limit
 * @param errors                   errors by kind (every kind present, zero when none)
 * @param brokerUp                 whether the broker reaches the other nodes (always true for a single node)
 * @param shuttingDown             whether shutdown has begun
 * @param uptime                   time since the hub was built
 * @param stall                    why the hub's own threads (its timer, its flush lanes) are not
 *                                 making progress, or empty while they are: a node that says
 *                                 something here is wedged and should get no traffic
 * @param delivery                 what the delivery guarantees hold and did: histories, inboxes,
 *                                 held sessions, resumes, duplicates
 */
public record HubStats(
        int sessions,
        int rooms,
        long connects,
        long disconnects,
        long messagesIn,
        long bytesIn,
        long messagesOut,
        long bytesOut,
        long queuedBytes,
        long droppedNewest,
        long droppedOldest,
        long slowConsumerDisconnects,
        long rateLimited,
        Map<ErrorKind, Long> errors,
        boolean brokerUp,
        boolean shuttingDown,
        Duration uptime,
        String stall,
        DeliveryStats delivery) {

    /** Copies the error map so the snapshot stays immutable. */
    public HubStats {
        errors = Map.copyOf(errors);
        Objects.requireNonNull(stall, "stall");
        Objects.requireNonNull(delivery, "delivery");
    }

    /** Whether the hub's own threads have stopped making progress (see {@code stall}). */
    public boolean isStalled() {
        return !stall.isEmpty();
    }

    /** The count of one kind of error. */
    public long errors(ErrorKind kind) {
        return errors.getOrDefault(kind, 0L);
    }
}
