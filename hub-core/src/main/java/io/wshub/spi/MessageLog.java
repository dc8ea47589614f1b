package io.wshub.spi;

import io.wshub.Message;
import io.wshub.Positioned;

import java.util.List;

/**
 * One history of a {@link DeliveryStore}: a room's messages, or a session's inbox of private
 * messages. Its messages have the seqs 1, 2, 3, … of one epoch, with no gap and no repeat; it keeps
 * the latest of them within its {@link io.wshub.HistoryLimits} and forgets the oldest.
 *
 * <p>The hub appends and reads under a lock of its own per history (the room's lock, the session's
 * delivery lock), so appends come one at a time and a read sees every append before it; it trims
 * from its timer thread whenever it likes, so an implementation guards its own state. Every method
 * is called on the hub's hot paths: quick, never blocking, never throwing for a runtime condition.
 * Times are the hub's {@link Scheduler#nanoTime()}.
 */
public interface MessageLog {

    /** The epoch of this history: text no other history with the same key ever had (at most 64 characters). */
    String epoch();

    /** The seq of the latest message appended; 0 before the first. */
    long lastSeq();

    /**
     * Appends a message at {@code lastSeq() + 1}, then forgets the oldest messages beyond the limits
     * (the newest is always kept, whatever its size).
     *
     * @return the message as kept and to be sent: {@code message.at(seq)}
     */
    Message append(Positioned message, long nowNanos);

    /**
     * The messages after {@code seq}, oldest first, when every one of them is still kept (none
     * forgotten, none older than the age limit): an empty list when {@code seq} is the latest.
     *
     * @return the messages, or null when some are gone or {@code seq} is beyond {@link #lastSeq()}
     */
    List<Message> after(long seq, long nowNanos);

    /** Forgets the messages older than the age limit. */
    void trim(long nowNanos);

    /** How many messages it keeps now. */
    int messages();

    /** How many payload bytes it keeps now. */
    long bytes();

    /** The history is over (its room emptied, its session ended): forget everything. */
    void discard();
}
