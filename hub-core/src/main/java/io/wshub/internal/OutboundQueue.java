package io.wshub.internal;

import io.wshub.Message;
import io.wshub.OverflowPolicy;

import java.util.HashMap;

/**
 * A session's outbound messages: a ring of shared {@link Message} references bounded by count and
 * bytes, and the one place where overflow policies and conflation are applied. Not thread-safe:
 * its {@link SessionWriter} guards it.
 *
 * <p>Frames are shared between every recipient of a broadcast, so an entry costs one slot (and the
 * time it was queued, for the age of the oldest); the ring starts small and doubles up to the
 * count limit, so an idle session holds little memory.
 *
 * <p>Each frame may come with its {@link Delivery} (its room's or its type's policy); without one
 * the hub's overflow policy applies. When a frame does not fit, its own policy decides.
 *
 * <p>Keyed frames are conflated, by one mechanism with two kinds of key. A frame delivered with a
 * conflation key ({@link Delivery#key()}) replaces the waiting frame of its key in place, whenever
 * one waits: a recipient behind on a feed holds at most one frame per key, the latest. Presence
 * announcements ({@link Message#asPresence}) are conflated the same way once the queue is above its
 * high mark, and an announcement that says the opposite of the waiting one cancels it instead (the
 * recipient never saw the arrival it would undo); the cancelled slot stays in the ring as an empty
 * slot until the writer passes it. Announcements count against the byte limit only, so a storm of
 * distinct arrivals (at most one waiting per key) cannot crowd out the session's messages or
 * overflow a healthy recipient. A key of one kind never conflates with the same text of the other.
 *
 * <p>Replayed frames ({@link #offerReplayed}: what a client missed, from a room's history or its
 * inbox) are queued whatever the limits and count against neither: a history already holds them, so
 * the queue spends only a slot on each, and a client catching up on a thousand of them is not a slow
 * consumer for that. What comes after them is measured as if they were not there: the marks, the
 * fit of a new frame, and what {@link #counted()} and {@link #countedBytes()} tell the hub's budget
 * leave them out, so a replay neither makes a session behind nor fills the budget. Nor is one ever
 * dropped, by a policy or by {@link #shed}: the client needs every one of them, in order, and
 * dropping one would free nothing that is counted. A replayed slot is marked by its delivery,
 * {@link #REPLAYED}; it conflates with nothing.
 *
 * <p>The high mark is half of either limit, the low mark a quarter of both: between them the
 * session is behind ({@link SessionWriter} tells who listens), and under a full hub budget it is cut
 * back to its low mark ({@link #shed}).
 */
final class OutboundQueue {

    /** What {@link #offer} or {@link #shed} did. */
    enum Outcome {
        /** The frame is queued (or, for a shed, nothing had to go). */
        QUEUED,
        /** The frame is queued after discarding {@link #lastDropped()} old ones (or a shed discarded them). */
        QUEUED_AFTER_DROPPING_OLDEST,
        /** A keyed frame replaced or cancelled the one of its key that was waiting. */
        COALESCED,
        /** The queue is full and the frame was refused. */
        REFUSED,
        /** The queue is full and the frame's policy is to disconnect; nothing was changed. */
        OVERFLOW
    }

    /** The delivery of a replayed slot, known by its identity; no overflow decision ever reads it. */
    private static final Delivery REPLAYED = new Delivery(OverflowPolicy.DROP_NEWEST, null);

    /** Enough for the common case of a few frames waiting; the ring doubles from here. */
    private static final int INITIAL_CAPACITY = 4;
    /** A ring grown beyond this by a burst is dropped once drained, so an idle session holds none. */
    private static final int KEEP_WHEN_EMPTY = 16;

    private final int maxMessages;
    private final long maxBytes;
    private final OverflowPolicy policy;
    private final int highMessages;
    private final long highBytes;
    private final int lowMessages;
    private final long lowBytes;
    /** Twice the limits: how far a queue whose writer waits for its turn may go (see {@link #offer}). */
    private final int graceMessages;
    private final long graceBytes;

    /** Null until the first frame, and again after a large ring drains. Empty slots are cancelled announcements. */
    private Message[] ring;
    /** When each slot's frame was queued (clock nanos), beside the ring; a coalesced slot keeps its first time. */
    private long[] queuedAt;
    /** Each slot's delivery, beside the ring; null until a frame comes with one (a null slot: the hub's policy; {@link #REPLAYED}: a replay). */
    private Delivery[] deliveries;
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
    /** Replayed frames among them, and their bytes: counted against no limit. */
    private int replayed;
    private long replayedBytes;
    /** The slot number of the latest waiting frame of each key; built when conflation first needs it. */
    private HashMap<String, Long> keyed;
    private int lastDropped;
    private long lastDroppedBytes;

    OutboundQueue(int maxMessages, long maxBytes, OverflowPolicy policy) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
        this.highMessages = Math.max(1, maxMessages / 2);
        this.highBytes = Math.max(1, maxBytes / 2);
        this.lowMessages = maxMessages / 4;
        this.lowBytes = maxBytes / 4;
        this.graceMessages = maxMessages > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * maxMessages;
        this.graceBytes = maxBytes > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * maxBytes;
    }

    /** Offers a frame under the hub's overflow policy and the queue's own limits; see {@link #offer(Message, Delivery, long, boolean)}. */
    Outcome offer(Message frame, long nowNanos) {
        return offer(frame, null, nowNanos, false);
    }

    /**
     * Offers a frame: conflates it with the waiting one of its key, or queues it, applying its
     * policy when it does not fit.
     *
     * <p>The limits judge the peer. While the writer waits for its turn on a flush thread, what is
     * queued waits for the node, not for the peer, so the limits are twice the queue's own: a busy
     * node does not disconnect or drop for a subscriber it has not yet served, and
     * {@link #isPastLimit()} tells the hub that the node is behind (docs/overload.md). Beyond twice
     * them the policy applies all the same, so memory stays bounded.
     *
     * @param delivery       its policy and conflation key, or null for the hub's overflow policy
     * @param nowNanos       the clock's time, kept with the frame for {@link #oldestQueuedAt()}
     * @param waitingForTurn the writer waits for its turn on a flush thread (no write of it is in flight)
     */
    Outcome offer(Message frame, Delivery delivery, long nowNanos, boolean waitingForTurn) {
        lastDropped = 0;
        lastDroppedBytes = 0;
        if (size > 0 && conflates(frame, delivery) && coalesce(frame, delivery)) {
            return Outcome.COALESCED;
        }
        int messages = waitingForTurn ? graceMessages : maxMessages;
        long limitBytes = waitingForTurn ? graceBytes : maxBytes;
        // An empty queue takes any frame, so that one large message can still make progress; so does
        // one that holds only replayed frames (they are not there for the limits).
        if (size - replayed > 0 && !fits(frame, delivery, messages, limitBytes)) {
            switch (delivery == null ? policy : delivery.overflow()) {
                case DROP_NEWEST:
                    return Outcome.REFUSED;
                case DISCONNECT:
                    return Outcome.OVERFLOW;
                case DROP_OLDEST:
                    while (size - replayed > 0 && !fits(frame, delivery, messages, limitBytes)) {
                        dropOldest();
                    }
                    add(frame, delivery, nowNanos);
                    return Outcome.QUEUED_AFTER_DROPPING_OLDEST;
                default:
                    throw new AssertionError(policy);
            }
        }
        add(frame, delivery, nowNanos);
        return Outcome.QUEUED;
    }

    /** Queues a replayed frame, whatever the limits, counting it against none (see the class comment). */
    void offerReplayed(Message frame, long nowNanos) {
        add(frame, REPLAYED, nowNanos);
    }

    /**
     * Cuts the queue back to its low mark, oldest first, replayed frames left in place: what the hub
     * does to a session that holds its budget while it falls behind on its own (docs/overload.md).
     * When a frame whose policy is to disconnect would have to go, nothing goes and the outcome is
     * {@link Outcome#OVERFLOW}.
     *
     * @return {@link Outcome#QUEUED_AFTER_DROPPING_OLDEST} with {@link #lastDropped()} frames gone,
     *         {@link Outcome#QUEUED} when nothing had to, or {@link Outcome#OVERFLOW}
     */
    Outcome shed() {
        lastDropped = 0;
        lastDroppedBytes = 0;
        int counted = counted();
        long left = countedBytes();
        for (int i = 0; i < used && (counted > lowMessages || left > lowBytes); i++) {
            int at = (head + i) & (ring.length - 1);
            Message f = ring[at];
            Delivery d = f == null ? null : deliveryAt(at);
            if (f == null || d == REPLAYED) {
                continue;
            }
            if ((d == null ? policy : d.overflow()) == OverflowPolicy.DISCONNECT) {
                return Outcome.OVERFLOW;
            }
            if (!isPresence(f, d)) {
                counted--;
            }
            left -= f.size();
        }
        while (size - replayed > 0 && !isBelowLowMark()) {
            dropOldest();
        }
        if (size == 0) {
            emptied();
        }
        return lastDropped == 0 ? Outcome.QUEUED : Outcome.QUEUED_AFTER_DROPPING_OLDEST;
    }

    /** How many old frames the last offer or shed discarded. */
    int lastDropped() {
        return lastDropped;
    }

    /** How many bytes the last offer or shed discarded. */
    long lastDroppedBytes() {
        return lastDroppedBytes;
    }

    /** At or above half of either limit (announcements count against bytes only, replays not at all). */
    boolean isAboveHighMark() {
        return counted() >= highMessages || countedBytes() >= highBytes;
    }

    /** Past either of its own limits: it took frames while its writer waited for its turn (see {@link #offer}). */
    boolean isPastLimit() {
        return counted() > maxMessages || countedBytes() > maxBytes;
    }

    /** At or below a quarter of both limits. */
    boolean isBelowLowMark() {
        return counted() <= lowMessages && countedBytes() <= lowBytes;
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
        deliveries = null;
        head = 0;
        used = 0;
        size = 0;
        presence = 0;
        bytes = 0;
        replayed = 0;
        replayedBytes = 0;
        keyed = null;
        return discarded;
    }

    int size() {
        return size;
    }

    /** Frames that count against the message limit: announcements and replays do not. */
    int counted() {
        return size - presence - replayed;
    }

    /** Every frame's bytes, replays included: what the queue holds. */
    long bytes() {
        return bytes;
    }

    /** Bytes that count against the byte limit (and the hub's budget): replays do not. */
    long countedBytes() {
        return bytes - replayedBytes;
    }

    /** The ring's length: what the queue holds in memory, empty slots included (for tests). */
    int slots() {
        return ring == null ? 0 : ring.length;
    }

    /** Whether the frame conflates: always with a conflation key, once above the high mark for presence. */
    private boolean conflates(Message frame, Delivery delivery) {
        if (delivery != null && delivery.key() != null) {
            return true;
        }
        return frame.presenceKey() != null && isAboveHighMark();
    }

    /**
     * Conflates a keyed frame with the waiting one of its key, if any.
     *
     * @return whether it was conflated (else it is queued as usual)
     */
    private boolean coalesce(Message frame, Delivery delivery) {
        if (keyed == null) {
            indexKeys();
        }
        String key = keyOf(frame, delivery);
        Long slot = keyed.get(key);
        if (slot == null) {
            return false;
        }
        int at = physical(slot);
        Message waiting = ring[at];
        boolean latest = delivery != null && delivery.key() != null;
        Delivery waitingDelivery = deliveryAt(at);
        if (latest != (waitingDelivery != null && waitingDelivery.key() != null)) {
            return false; // the same text as a key of the other kind: not the same thing
        }
        if (latest || waiting.announcesPresent() == frame.announcesPresent()) {
            ring[at] = frame; // the latest state, in the place of the one it updates
            setDelivery(at, delivery);
            bytes += frame.size() - waiting.size();
        } else {
            ring[at] = null; // the pair tells the recipient nothing
            setDelivery(at, null);
            keyed.remove(key);
            size--;
            presence--;
            bytes -= waiting.size();
            if (size == 0) {
                emptied();
            }
        }
        return true;
    }

    private void indexKeys() {
        keyed = new HashMap<>();
        for (int i = 0; i < used; i++) {
            int at = (head + i) & (ring.length - 1);
            Message f = ring[at];
            String key = f == null ? null : keyOf(f, deliveryAt(at));
            if (key != null) {
                keyed.put(key, headSeq + i); // a later one of the same key wins
            }
        }
    }

    private boolean fits(Message frame, Delivery delivery, int messages, long bytes) {
        if (countedBytes() + frame.size() > bytes) {
            return false;
        }
        return isPresence(frame, delivery) || counted() < messages;
    }

    private void add(Message frame, Delivery delivery, long nowNanos) {
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
        setDelivery(at, delivery);
        if (delivery == REPLAYED) {
            replayed++;
            replayedBytes += frame.size();
        } else if (isPresence(frame, delivery)) {
            presence++;
        }
        String key = keyOf(frame, delivery);
        if (key != null && keyed != null) {
            keyed.put(key, headSeq + used);
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
        Message f = takeAt(head, headSeq);
        head = (head + 1) & (ring.length - 1);
        used--;
        headSeq++;
        return f;
    }

    /** Empties a slot that holds a frame, slot number {@code slot}, and stops counting the frame. */
    private Message takeAt(int at, long slot) {
        Message f = ring[at];
        Delivery d = deliveryAt(at);
        ring[at] = null;
        setDelivery(at, null);
        size--;
        bytes -= f.size();
        if (d == REPLAYED) {
            replayed--;
            replayedBytes -= f.size();
        } else if (isPresence(f, d)) {
            presence--;
        }
        String key = keyOf(f, d);
        if (key != null && keyed != null) {
            keyed.remove(key, slot);
        }
        return f;
    }

    /**
     * Discards the oldest frame that is not a replay, counting it as dropped; one behind replayed
     * frames leaves an empty slot. The caller has checked that one waits.
     */
    private void dropOldest() {
        skipEmptySlots();
        for (int i = 0; ; i++) {
            int at = (head + i) & (ring.length - 1);
            if (ring[at] != null && deliveryAt(at) != REPLAYED) {
                Message old = i == 0 ? pollFirst() : takeAt(at, headSeq + i);
                lastDropped++;
                lastDroppedBytes += old.size();
                return;
            }
        }
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
        keyed = null;
        if (ring != null && ring.length > KEEP_WHEN_EMPTY) {
            ring = null;
            queuedAt = null;
            deliveries = null;
        }
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
        Delivery[] nextDeliveries = deliveries == null ? null : new Delivery[next.length];
        int n = 0;
        for (int i = 0; i < used; i++) {
            int at = (head + i) & (ring.length - 1);
            Message f = ring[at];
            if (f != null || !pack) {
                nextTimes[n] = queuedAt[at];
                if (nextDeliveries != null) {
                    nextDeliveries[n] = deliveries[at];
                }
                next[n++] = f;
            }
        }
        if (pack) {
            headSeq += used; // renumbered: the index is rebuilt when next needed
            keyed = null;
        }
        ring = next;
        queuedAt = nextTimes;
        deliveries = nextDeliveries;
        head = 0;
        used = n;
    }

    private Delivery deliveryAt(int at) {
        return deliveries == null ? null : deliveries[at];
    }

    /** Sets a slot's delivery, making the array beside the ring when the first one comes. */
    private void setDelivery(int at, Delivery delivery) {
        if (deliveries == null) {
            if (delivery == null) {
                return;
            }
            deliveries = new Delivery[ring.length];
        }
        deliveries[at] = delivery;
    }

    /** The frame's key: its conflation key, else its presence key, else null; a replay has none. */
    private static String keyOf(Message frame, Delivery delivery) {
        if (delivery == REPLAYED) {
            return null;
        }
        return delivery != null && delivery.key() != null ? delivery.key() : frame.presenceKey();
    }

    /** A presence announcement that is not conflated by a key of its delivery, nor a replay. */
    private static boolean isPresence(Message frame, Delivery delivery) {
        return frame.presenceKey() != null && (delivery == null || delivery != REPLAYED && delivery.key() == null);
    }

    private int physical(long slot) {
        return (int) ((head + (slot - headSeq)) & (ring.length - 1));
    }
}
