package io.wshub.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages waiting to be written, oldest first, bounded by count and bytes; the one place where
 * the {@link BufferOverflowPolicy} applies. Not thread-safe: the client's serial executor confines it.
 */
final class SendBuffer {

    private final ArrayDeque<PendingSend> queue = new ArrayDeque<>();
    private final int maxMessages;
    private final long maxBytes;
    private final BufferOverflowPolicy policy;
    private long bytes;

    SendBuffer(int maxMessages, long maxBytes, BufferOverflowPolicy policy) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    /**
     * Adds a message, applying the overflow policy when it does not fit.
     *
     * @param dropped receives the older messages discarded to make room
     * @return false when the new message was refused instead
     */
    boolean offer(PendingSend send, List<PendingSend> dropped) {
        int size = send.frame().size();
        if (!fits(size)) {
            if (policy == BufferOverflowPolicy.DROP_NEWEST) {
                return false;
            }
            while (!queue.isEmpty() && !fits(size)) {
                dropped.add(poll());
            }
        }
        queue.addLast(send);
        bytes += size;
        return true;
    }

    /** Takes the oldest message, or null. */
    PendingSend poll() {
        PendingSend send = queue.pollFirst();
        if (send != null) {
            bytes -= send.frame().size();
        }
        return send;
    }

    /** The oldest message, left in place, or null. */
    PendingSend peek() {
        return queue.peekFirst();
    }

    /** Removes and returns the oldest messages whose deadline is at or before {@code now}. */
    List<PendingSend> expire(long now) {
        List<PendingSend> expired = new ArrayList<>(0);
        // Deadlines grow with the send order, so the expired ones are at the front.
        while (!queue.isEmpty() && queue.peekFirst().deadlineNanos() <= now) {
            expired.add(poll());
        }
        return expired;
    }

    /** Removes and returns everything. */
    List<PendingSend> clear() {
        List<PendingSend> all = new ArrayList<>(queue);
        queue.clear();
        bytes = 0;
        return all;
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }

    private boolean fits(int size) {
        return queue.size() < maxMessages && bytes + size <= maxBytes;
    }
}
