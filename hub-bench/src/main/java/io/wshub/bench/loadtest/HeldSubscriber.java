package io.wshub.bench.loadtest;

import java.util.concurrent.atomic.LongAdder;

/**
 * A subscriber that stops reading once it is connected and reads again only when told
 * ({@link HeldListener}): the stalled subscribers of the overload and conflation scenarios. It
 * counts what it receives once it reads again; whether the server dropped it meanwhile shows when
 * it reads (the close, or the reset).
 */
final class HeldSubscriber extends LoadConnection {

    /** Messages received since it resumed; added by Jetty's thread, read by the scenario's. */
    private final LongAdder received = new LongAdder();
    /** The highest message number received, -1 before any; written by Jetty's thread. */
    private volatile long lastSeq = -1;

    HeldSubscriber(ErrorCounts errors) {
        super(errors, Reading.HELD);
    }

    @Override
    void received(MessageStamp stamp) {
        received.increment();
        if (stamp != null && stamp.seq() > lastSeq) {
            lastSeq = stamp.seq();
        }
    }

    /** The highest message number it received, -1 before any. */
    long lastSeq() {
        return lastSeq;
    }

    long receivedCount() {
        return received.sum();
    }
}
