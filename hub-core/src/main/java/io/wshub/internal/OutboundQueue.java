package io.wshub.internal;

import io.wshub.Message;
import io.wshub.OverflowPolicy;

import java.util.HashMap;

/**
 * A session's outbound messages: a ring of shared {@link Message} references bounded by count and
 * bytes, and the one place where the {@link OverflowPolicy} is applied. Not thread-safe: its
 * {@link SessionWriter} guards it.
 *
 * <p>Frames are shared between every recipient of a broadcast, so an entry costs one slot (and the
 * time it was queued, for the age of the oldest); the ring starts small and doubles up to the
 * count limit, so an idle session holds little memory.
 *
 * <p>Presence announcements ({@link Message#asPresence}) are coalesced once the queue is half full:
 * a new one for a key that already waits replaces it in place, or, when it says the opposite,
 * cancels it and is not queued (the recipient never saw the arrival it would undo). The cancelled
 * slot stays in the ring as an empty slot until the writer passes it. Announcements count against
 * the byte limit only, so a storm of distinct arrivals (at most one waiting per key) cannot crowd out
 * the session's messages or overflow a healthy recipient.
 *
 * <p>Replayed messages ({@link #offerReplayed}: what a client missed, from a room's history or its
 * inbox) are queued whatever the limits and count against neither: a history already holds them, so
 * the queue spends only a slot on each, and a client catching up on a thousand of them is not a slow
 * consumer for that. What comes after them is measured as if they were not there.
 */
final class OutboundQueue {

    /** What {@link #offer} did. */
    enum Outcome {
        /** The frame is queued. */
        QUEUED,
        /** The frame is queued after discarding {@link #lastDropped()} old ones. */
        QUEUED_AFTER_DROPPING_OLDEST,
        /** A presence announcement replaced or cancelled the one of its key that was waiting. */
        COALESCED,
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

    /** Null until the first frame, and again after a large ring drains. Empty slots are cancelled announcements. */
    private Message[] ring;
    /** When each slot's frame was queued (clock nanos), beside the ring; a coalesced slot keeps its first time. */
    private long[] queuedAt;
    private int head;
    /** Slots in use from head on, empty ones included. */
    private int used;
    /** How many slots have left the front of the ring: slot number {@code q} is at {@code head + q - headSeq}. */
    private long headSeq;
    /** Frames waiting (empty slots not counted). */
    private int size;
    /** Presence announcements among them. */
    private int presence;
    private long bytes;
    /** Replayed frames among them, and their bytes: counted against neither limit. */
    private int replayed;
    private long replayedBytes;
    /** Which slots hold replayed frames, beside the ring; made with the first replayed frame. */
    private boolean[] replayedSlot;
    /** The slot number of the latest waiting announcement of each key; built when coalescing starts. */
    private HashMap<String, Long> announced;
    private int lastDropped;
    private long lastDroppedBytes;

    OutboundQueue(int maxMessages, long maxBytes, OverflowPolicy policy) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    /**
     * Offers a frame, coalescing an announcement or applying the overflow policy when it does not fit.
     *
     * @param nowNanos the clock's time, kept with the frame for {@link #oldestQueuedAt()}
     */
    Outcome offer(Message frame, long nowNanos) {
        lastDropped = 0;
        lastDroppedBytes = 0;
        if (frame.presenceKey() != null && isFilling() && coalesce(frame)) {
            return Outcome.COALESCED;
        }
        // An empty queue takes any frame, so that one large message can still make progress.
        if (size - replayed > 0 && !fits(frame)) {
            switch (policy) {
                case DROP_NEWEST:
                    return Outcome.REFUSED;
                case DISCONNECT:
                    return Outcome.OVERFLOW;
                case DROP_OLDEST:
                    while (size > 0 && !fits(frame)) {
                        Message old = pollFirst();
                        lastDropped++;
                        lastDroppedBytes += old.size();
                    }
                    add(frame, nowNanos, false);
                    return Outcome.QUEUED_AFTER_DROPPING_OLDEST;
                default:
                    throw new AssertionError(policy);
            }
        }
        add(frame, nowNanos, false);
        return Outcome.QUEUED;
    }

    /** Queues a replayed frame, whatever the limits, counting it against neither (see the class comment). */
    void offerReplayed(Message frame, long nowNanos) {
        add(frame, nowNanos, true);
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
    int drainTo(Message[] batch, long byteBudget) {
        int n = 0;
        long taken = 0;
        while (size > 0 && n < batch.length) {
            Message next = peekFirst();
            if (n > 0 && taken + next.size() > byteBudget) {
                break;
            }
            batch[n++] = pollFirst();
            taken += next.size();
        }
        if (size == 0) {
            emptied();
        }
        return n;
    }

    /** When the frame that has waited longest was queued, in clock nanos; only while one waits. */
    long oldestQueuedAt() {
        skipEmptySlots();
        return queuedAt[head];
    }

    /** Discards everything; returns the bytes discarded. */
    long clear() {
        long discarded = bytes;
        ring = null;
        queuedAt = null;
        head = 0;
        used = 0;
        size = 0;
        presence = 0;
        bytes = 0;
        replayed = 0;
        replayedBytes = 0;
        replayedSlot = null;
        announced = null;
        return discarded;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    /** The ring's length: what the queue holds in memory, empty slots included (for tests). */
    int slots() {
        return ring == null ? 0 : ring.length;
    }

    /** Half full by either limit: from here on announcements are coalesced. */
    private boolean isFilling() {
        return size - presence - replayed >= maxMessages / 2 || bytes - replayedBytes >= maxBytes / 2;
    }

    /**
     * Coalesces an announcement with the waiting one of its key, if any.
     *
     * @return whether it was coalesced (else it is queued as usual)
     */
    private boolean coalesce(Message frame) {
        if (announced == null) {
            indexAnnouncements();
        }
        String key = frame.presenceKey();
        Long slot = announced.get(key);
        if (slot == null) {
            return false;
        }
        int at = physical(slot);
        Message waiting = ring[at];
        if (waiting.announcesPresent() == frame.announcesPresent()) {
            ring[at] = frame; // the latest state, in the place of the one it updates
            bytes += frame.size() - waiting.size();
        } else {
            ring[at] = null; // the pair tells the recipient nothing
            announced.remove(key);
            size--;
            presence--;
            bytes -= waiting.size();
            if (size == 0) {
                emptied();
            }
        }
        return true;
    }

    private void indexAnnouncements() {
        announced = new HashMap<>();
        for (int i = 0; i < used; i++) {
            int at = (head + i) & (ring.length - 1);
            Message f = ring[at];
            if (f != null && f.presenceKey() != null && !isReplayed(at)) {
                announced.put(f.presenceKey(), headSeq + i); // a later one of the same key wins
            }
        }
    }

    private boolean fits(Message frame) {
        if (bytes - replayedBytes + frame.size() > maxBytes) {
            return false;
        }
        return frame.presenceKey() != null || size - presence - replayed < maxMessages;
    }

    private void add(Message frame, long nowNanos, boolean replay) {
        if (ring == null) {
            ring = new Message[INITIAL_CAPACITY];
            queuedAt = new long[INITIAL_CAPACITY];
            head = 0;
        } else if (used == ring.length) {
            makeRoom();
        }
        int at = (head + used) & (ring.length - 1);
        ring[at] = frame;
        queuedAt[at] = nowNanos;
        if (replay) {
            if (replayedSlot == null) {
                replayedSlot = new boolean[ring.length];
            }
            replayedSlot[at] = true;
            replayed++;
            replayedBytes += frame.size();
        } else if (frame.presenceKey() != null) {
            presence++;
            if (announced != null) {
                announced.put(frame.presenceKey(), headSeq + used);
            }
        }
        used++;
        size++;
        bytes += frame.size();
    }

    private Message peekFirst() {
        skipEmptySlots();
        return ring[head];
    }

    /** Takes the first frame; the caller has checked that one waits. */
    private Message pollFirst() {
        skipEmptySlots();
        Message f = ring[head];
        ring[head] = null;
        boolean replay = isReplayed(head);
        if (replay) {
            replayedSlot[head] = false;
            replayed--;
            replayedBytes -= f.size();
        }
        head = (head + 1) & (ring.length - 1);
        used--;
        size--;
        bytes -= f.size();
        if (f.presenceKey() != null && !replay) {
            presence--;
            if (announced != null) {
                announced.remove(f.presenceKey(), headSeq);
            }
        }
        headSeq++;
        return f;
    }

    private void skipEmptySlots() {
        while (ring[head] == null) {
            head = (head + 1) & (ring.length - 1);
            used--;
            headSeq++;
        }
    }

    /** Nothing waits: forget the empty slots, and a ring a burst grew. */
    private void emptied() {
        headSeq += used;
        used = 0;
        head = 0;
        announced = null;
        replayedSlot = null; // nothing replayed waits: the next replay makes a new one
        if (ring != null && ring.length > KEEP_WHEN_EMPTY) {
            ring = null;
            queuedAt = null;
        }
    }

    private boolean isReplayed(int at) {
        return replayedSlot != null && replayedSlot[at];
    }

    /**
     * The ring is full: doubles it, or, when at least half its slots are empty (cancelled
     * announcements), packs the frames into a ring of the same size instead, so that a flapping
     * key cannot grow the ring of a recipient that reads nothing.
     */
    private void makeRoom() {
        boolean pack = used - size >= ring.length / 2;
        Message[] next = new Message[pack ? ring.length : ring.length * 2];
        long[] nextTimes = new long[next.length];
        boolean[] nextReplayed = replayedSlot == null ? null : new boolean[next.length];
        int n = 0;
        for (int i = 0; i < used; i++) {
            int at = (head + i) & (ring.length - 1);
            Message f = ring[at];
            if (f != null || !pack) {
                nextTimes[n] = queuedAt[at];
                if (nextReplayed != null) {
                    nextReplayed[n] = replayedSlot[at];
                }
                next[n++] = f;
            }
        }
        replayedSlot = nextReplayed;
        if (pack) {
            headSeq += used; // renumbered: the index is rebuilt when next needed
            announced = null;
        }
        ring = next;
        queuedAt = nextTimes;
        head = 0;
        used = n;
    }

    private int physical(long slot) {
        return (int) ((head + (slot - headSeq)) & (ring.length - 1));
    }
}
