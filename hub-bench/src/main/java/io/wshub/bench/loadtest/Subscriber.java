package io.wshub.bench.loadtest;

/**
 * One subscriber of the fan-out scenario: accounts for every message it receives (order, loss),
 * records the delivery latency of measured ones, and tells the {@link WindowGate} when it moved.
 */
final class Subscriber extends LoadConnection implements Paced {

    private final FanoutRun run;
    private final SequenceTracker tracker = new SequenceTracker();
    /** Set by the publisher's thread when this subscriber stopped receiving; read by any. */
    private volatile boolean stalled;

    Subscriber(FanoutRun run, ErrorCounts errors) {
        super(errors);
        this.run = run;
    }

    @Override
    void received(MessageStamp stamp) {
        long now = System.nanoTime();
        if (stamp == null) {
            errors.badFrame("a subscriber received a message without a stamp: " + unstamped());
            return;
        }
        long previous = tracker.lastSeq();
        if (tracker.accept(stamp.seq(), stamp.measured())) {
            run.delivered(now - stamp.sentNanos(), stamp.measured(), previous, stamp.seq());
        }
    }

    SequenceTracker tracker() {
        return tracker;
    }

    @Override
    public boolean isPacing() {
        return !stalled && isOpen();
    }

    @Override
    public long lastSeq() {
        return tracker.lastSeq();
    }

    @Override
    public void markStalled() {
        stalled = true;
    }
}
