package io.wshub.bench.loadtest;

import java.util.Collection;

/**
 * The fan-out's loss over the measured window: every subscriber should have received every
 * measured message.
 *
 * @param expected   measured messages times subscribers
 * @param received   measured messages received in order, over all subscribers
 * @param lost       expected minus received
 * @param outOfOrder messages that came late or twice (a server bug when not zero)
 */
record LossTally(long expected, long received, long lost, long outOfOrder) {

    /** Tallies the trackers of every subscriber, including those that disconnected. */
    static LossTally of(Collection<SequenceTracker> trackers, long measuredSent) {
        long received = 0;
        long outOfOrder = 0;
        for (SequenceTracker tracker : trackers) {
            received += tracker.measuredReceived();
            outOfOrder += tracker.outOfOrder();
        }
        long expected = measuredSent * trackers.size();
        return new LossTally(expected, received, expected - received, outOfOrder);
    }

    /** Lost as a percentage of expected; 0 when nothing was expected. */
    double lostPercent() {
        return expected == 0 ? 0 : 100.0 * lost / expected;
    }
}
