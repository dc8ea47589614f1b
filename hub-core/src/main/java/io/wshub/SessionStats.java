package io.wshub;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one session's counters.
 *
 * @param connectedAt      when the session opened
 * @param messagesIn       messages received (including refused ones)
 * @param bytesIn          bytes received
 * @param messagesOut      messages written to the transport
 * @param bytesOut         bytes written to the transport
 * @param messagesDropped  messages discarded by the overflow policy
 * @param rateLimited      inbound messages refused by the rate limit
 * @param queuedMessages   messages waiting in the outbound queue now, replays of a history included
 * @param queuedBytes      bytes waiting in the outbound queue now, replays of a history included
 * @param oldestQueuedAge  how long the message that has waited longest in the outbound queue has
 *                         waited (zero when none waits): how far behind the peer is
 */
public record SessionStats(
        Instant connectedAt,
        long messagesIn,
        long bytesIn,
        long messagesOut,
        long bytesOut,
        long messagesDropped,
        long rateLimited,
        int queuedMessages,
        long queuedBytes,
        Duration oldestQueuedAge) {
}
