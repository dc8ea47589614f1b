package io.wshub.bench.loadtest;

/**
 * What one subscriber received of the publisher's numbered messages: the highest number so far,
 * the measured messages it got in order, the numbers it skipped and the ones that came late or
 * twice. A server that keeps order and loses nothing leaves {@code skipped} and
 * {@code outOfOrder} at zero.
 *
 * <p>One writer: Jetty calls one session's listener one message at a time. The fields are
 * volatile so that the publisher (pacing itself on {@link #lastSeq()}) and the progress line can
 * read them at any time; with a single writer, {@code ++} on them is safe.
 */
final class SequenceTracker {

    // All written only by the session's listener thread (one at a time), read by any.
    private volatile long lastSeq = -1;
    private volatile long measuredReceived;
    private volatile long skipped;
    private volatile long outOfOrder;

    /**
     * Accounts for one message.
     *
     * @param seq      its number
     * @param measured whether it was sent inside the measured window
     * @return true when it came in order (a higher number than any before)
     */
    boolean accept(long seq, boolean measured) {
        long last = lastSeq;
        if (seq <= last) {
            outOfOrder++;
            return false;
        }
        if (measured) {
            measuredReceived++;
        }
        skipped += seq - last - 1;
        lastSeq = seq;
        return true;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Measured messages received in order. */
    long measuredReceived() {
        return measuredReceived;
    }

    /** Numbers skipped over so far (messages lost, unless they come later out of order). */
    long skipped() {
        return skipped;
    }

    /** Messages that came with a number not above the highest seen: late or duplicated. */
    long outOfOrder() {
        return outOfOrder;
    }
}
