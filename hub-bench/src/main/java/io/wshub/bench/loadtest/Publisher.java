package io.wshub.bench.loadtest;

import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out scenario's publisher: one connection, and a thread that sends numbered, timed
 * messages either at a steady rate or, with rate 0, as fast as the {@link WindowGate} allows.
 *
 * <p>At a steady rate each message carries the time it was due rather than the time it went
 * out, so a publisher held up by a slow server does not hide the delay (no coordinated omission).
 */
final class Publisher extends LoadConnection {

    private final ScenarioClock clock;
    private final WindowGate gate;
    private final int messageSize;
    private final int ratePerSecond;
    // Written by the publishing thread only; read by the progress line and after the thread ends.
    private volatile long sent;
    private volatile long measuredSent;

    Publisher(ErrorCounts errors, ScenarioClock clock, WindowGate gate, int messageSize, int ratePerSecond) {
        super(errors);
        this.clock = clock;
        this.gate = gate;
        this.messageSize = messageSize;
        this.ratePerSecond = ratePerSecond;
    }

    /** Sends until the measured window ends or the connection closes; runs on its own thread. */
    void publish() {
        long start = System.nanoTime();
        long seq = 0;
        while (isOpen()) {
            long now = System.nanoTime();
            long sentAt;
            if (ratePerSecond > 0) {
                sentAt = start + (long) (seq * 1e9 / ratePerSecond);
                if (clock.isOver(sentAt)) {
                    break;
                }
                if (sentAt - now > 0) {
                    LockSupport.parkNanos(sentAt - now);
                    continue;
                }
            } else {
                if (clock.isOver(now) || !gate.awaitRoom(seq, clock.end())) {
                    break;
                }
                sentAt = System.nanoTime();
            }
            boolean measured = clock.isMeasuring(sentAt);
            sendText(new MessageStamp(seq, sentAt, measured).encode(messageSize));
            seq++;
            sent = seq;
            if (measured) {
                measuredSent++;
            }
        }
    }

    @Override
    void received(MessageStamp stamp) {
        // A server that also returns the publisher's own messages to it: nothing to account for.
    }

    /** Messages sent so far. */
    long sent() {
        return sent;
    }

    /** Messages sent inside the measured window. */
    long measuredSent() {
        return measuredSent;
    }
}
