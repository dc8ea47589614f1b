package io.wshub.redis;

import io.wshub.HealthCheck;

import java.time.Duration;
import java.util.Map;

/**
 * The state of a node's canary: a small message it publishes on its own bus and must receive back
 * through its own subscription within a bound. A Redis that answers {@code PING} while the
 * subscription delivers nothing (a half-open pub/sub connection, a subscription lost without a
 * drop) turns it red, which a connection check alone never sees.
 *
 * <p>One canary is out at a time: a new one goes when the last came back, or when it is past its
 * bound (then it counts as lost). The check is red from the moment the oldest canary not answered
 * since the last answer is older than the bound, and until a canary sent after it comes back.
 * Times are {@link System#nanoTime()}. Thread-safe: the timer sends, the pub/sub thread answers,
 * the health threads read.
 */
final class Canary {

    private final long timeoutNanos;
    // All guarded by this.
    private boolean out;
    private long outSentNanos;
    private boolean unanswered;
    private long unansweredSinceNanos;
    private boolean answeredOnce;
    private long lastRoundTripNanos;
    private long lastAnsweredNanos;

    Canary(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Whether to send one now: none is out, or the one out is past its bound. */
    synchronized boolean due(long now) {
        return !out || now - outSentNanos > timeoutNanos;
    }

    /** One is sent at {@code now}. */
    synchronized void sent(long now) {
        out = true;
        outSentNanos = now;
        unansweredSince(now);
    }

    /** One was due at {@code now} but could not go (no connection): as good as lost, and the next may go at once. */
    synchronized void notSent(long now) {
        unansweredSince(now);
    }

    private void unansweredSince(long now) {
        if (!unanswered) {
            unanswered = true;
            unansweredSinceNanos = now;
        }
    }

    /**
     * A canary of this node came back.
     *
     * @return its round trip, or -1 for one this node did not send (its time is in the future)
     */
    synchronized long answered(long sentNanos, long now) {
        long roundTrip = now - sentNanos;
        if (roundTrip < 0) {
            return -1;
        }
        if (out && sentNanos == outSentNanos) { // a late one shows a slow subscription, not a working one
            out = false;
            unanswered = false;
            answeredOnce = true;
            lastRoundTripNanos = roundTrip;
            lastAnsweredNanos = now;
        }
        return roundTrip;
    }

    /** The canary check's verdict now. */
    synchronized HealthCheck.Result result(long now) {
        long bound = timeoutNanos / 1_000_000;
        if (unanswered && now - unansweredSinceNanos > timeoutNanos) {
            return HealthCheck.Result.down("no canary has come back through the Redis subscription for "
                    + (now - unansweredSinceNanos) / 1_000_000 + " ms (bound " + bound + " ms)");
        }
        if (!answeredOnce) {
            return HealthCheck.Result.down("no canary has come back through the Redis subscription yet");
        }
        return HealthCheck.Result.up(Map.of(
                "roundTripMillis", lastRoundTripNanos / 1_000 / 1_000.0,
                "answeredMillisAgo", (now - lastAnsweredNanos) / 1_000_000,
                "boundMillis", bound));
    }
}
