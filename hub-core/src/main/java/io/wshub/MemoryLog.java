package io.wshub;

import io.wshub.spi.MessageLog;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link InMemoryDeliveryStore}'s history: a ring of the latest messages and the times they were
 * appended, which starts small and doubles up to the message limit, so a quiet room holds little.
 */
final class MemoryLog implements MessageLog {

    private static final int INITIAL_CAPACITY = 4;

    private final String epoch;
    private final int maxMessages;
    private final long maxBytes;
    private final long maxAgeNanos;

    // Guarded by "this".
    private Message[] ring;
    private long[] appendedAt;
    private int head;
    private int size;
    private long bytes;
    private long lastSeq;

    MemoryLog(String epoch, HistoryLimits limits) {
        this.epoch = epoch;
        this.maxMessages = limits.messages();
        this.maxBytes = limits.bytes();
        this.maxAgeNanos = limits.age().toNanos();
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public synchronized long lastSeq() {
        return lastSeq;
    }

    @Override
    public synchronized Message append(Positioned message, long nowNanos) {
        Message m = message.at(lastSeq + 1);
        lastSeq++;
        if (ring == null) {
            ring = new Message[Math.min(INITIAL_CAPACITY, maxMessages)];
            appendedAt = new long[ring.length];
        } else if (size == ring.length && size < maxMessages) {
            grow();
        } else if (size == ring.length) {
            dropOldest();
        }
        int at = (head + size) % ring.length;
        ring[at] = m;
        appendedAt[at] = nowNanos;
        size++;
        bytes += m.size();
        while (size > 1 && (bytes > maxBytes || isExpired(appendedAt[head], nowNanos))) {
            dropOldest();
        }
        return m;
    }

    @Override
    public synchronized List<Message> after(long seq, long nowNanos) {
        if (seq < 0 || seq > lastSeq) {
            return null;
        }
        int missed = (int) Math.min(Integer.MAX_VALUE, lastSeq - seq);
        if (missed > size) {
            return null; // some were forgotten
        }
        int first = size - missed;
        if (missed > 0 && isExpired(appendedAt[(head + first) % ring.length], nowNanos)) {
            return null; // past the age limit: as good as forgotten
        }
        List<Message> out = new ArrayList<>(missed);
        for (int i = first; i < size; i++) {
            out.add(ring[(head + i) % ring.length]);
        }
        return out;
    }

    @Override
    public synchronized void trim(long nowNanos) {
        while (size > 0 && isExpired(appendedAt[head], nowNanos)) {
            dropOldest();
        }
        if (size == 0) {
            ring = null; // an idle history holds no ring
            appendedAt = null;
            head = 0;
        }
    }

    @Override
    public synchronized int messages() {
        return size;
    }

    @Override
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void discard() {
        ring = null;
        appendedAt = null;
        head = 0;
        size = 0;
        bytes = 0;
    }

    private boolean isExpired(long appended, long nowNanos) {
        return nowNanos - appended > maxAgeNanos;
    }

    private void dropOldest() {
        bytes -= ring[head].size();
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
    }

    private void grow() {
        int length = (int) Math.min(maxMessages, ring.length * 2L);
        Message[] next = new Message[length];
        long[] nextTimes = new long[length];
        for (int i = 0; i < size; i++) {
            next[i] = ring[(head + i) % ring.length];
            nextTimes[i] = appendedAt[(head + i) % ring.length];
        }
        ring = next;
        appendedAt = nextTimes;
        head = 0;
    }
}
