package io.wshub.internal;

import io.wshub.Frame;
import io.wshub.OverflowPolicy;


/**
 * A session's outbound messages: a ring of shared {@link Frame} references bounded by count and
 * bytes, and the one place where the {@link OverflowPolicy} is applied. Not thread-safe: its
 * {@link SessionWriter} guards it.
 *
 * <p>Frames are shared between every recipient of a broadcast, so an entry costs one slot; the
 * ring starts small and doubles up to the count limit, so an idle session holds little memory.
 */
final class OutboundQueue {

    /** What {@link #offer} did. */
    enum Outcome {
        /** The frame is queued. */
        QUEUED,
        /** The frame is queued after discarding {@link #lastDropped()} old ones. */
        QUEUED_AFTER_DROPPING_OLDEST,
        /** The queue is full and the frame was refused. */
        REFUSED,
        /** The queue is full and the policy is to disconnect; nothing was changed. */
        OVERFLOW
    }

    /** Enough for the common case of a few frames waiting; the ring doubles from here. */
    private static final int INITIAL_CAPACITY = 4;
    /** A ring grown beyond this by a burst is dropped once drained, so an idle session holds none. */
    private static final int KEEP_WHEN_EMPTY = 16;

    private final int maxMessages;
    private final long maxBytes;
    private final OverflowPolicy policy;

    /** Null until the first frame, and again after a large ring drains. */
    private Frame[] ring;
    private int head;
    private int size;
    private long bytes;
    private int lastDropped;
    private long lastDroppedBytes;

    OutboundQueue(int maxMessages, long maxBytes, OverflowPolicy policy) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    /** Offers a frame, applying the overflow policy when it does not fit. */
    Outcome offer(Frame frame) {
        lastDropped = 0;
        lastDroppedBytes = 0;
        int frameBytes = frame.size();
        // An empty queue takes any frame, so that one large message can still make progress.
        if (size > 0 && !fits(frameBytes)) {
            switch (policy) {
                case DROP_NEWEST:
                    return Outcome.REFUSED;
                case DISCONNECT:
                    return Outcome.OVERFLOW;
                case DROP_OLDEST:
                    while (size > 0 && !fits(frameBytes)) {
                        Frame old = pollFirst();
                        lastDropped++;
                        lastDroppedBytes += old.size();
                    }
                    add(frame);
                    return Outcome.QUEUED_AFTER_DROPPING_OLDEST;
                default:
                    throw new AssertionError(policy);
            }
        }
        add(frame);
        return Outcome.QUEUED;
    }

    /** How many old frames the last offer discarded. */
    int lastDropped() {
        return lastDropped;
    }

    /** How many bytes the last offer discarded. */
    long lastDroppedBytes() {
        return lastDroppedBytes;
    }

    /**
     * Moves up to {@code batch.length} frames into {@code batch}, stopping before the byte budget
     * is exceeded (the first frame always goes, whatever its size).
     *
     * @return how many frames were moved
     */
    int drainTo(Frame[] batch, long byteBudget) {
        int n = 0;
        long taken = 0;
        while (size > 0 && n < batch.length) {
            Frame next = ring[head];
            if (n > 0 && taken + next.size() > byteBudget) {
                break;
            }
            batch[n++] = pollFirst();
            taken += next.size();
        }
        if (size == 0 && ring != null && ring.length > KEEP_WHEN_EMPTY) {
            ring = null;
            head = 0;
        }
        return n;
    }

    /** Discards everything; returns the bytes discarded. */
    long clear() {
        long discarded = bytes;
        ring = null;
        head = 0;
        size = 0;
        bytes = 0;
        return discarded;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private boolean fits(int frameBytes) {
        return size < maxMessages && bytes + frameBytes <= maxBytes;
    }

    private void add(Frame frame) {
        if (ring == null) {
            ring = new Frame[INITIAL_CAPACITY];
            head = 0;
        } else if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = frame;
        size++;
        bytes += frame.size();
    }

    private Frame pollFirst() {
        Frame f = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        bytes -= f.size();
        return f;
    }

    private void grow() {
        Frame[] bigger = new Frame[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }
}
