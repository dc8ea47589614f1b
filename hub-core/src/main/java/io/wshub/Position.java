package io.wshub;

import java.util.Objects;

/**
 * A place in a history: a room's, or a session's inbox of private messages (docs/protocol.md,
 * "Delivery guarantees"). {@code seq} counts the history's messages, 1, 2, 3, … with no gap and no
 * repeat; {@code epoch} names the history itself and changes whenever it starts again (a new room, a
 * restarted node), so a seq is only meaningful with the epoch it was given in.
 *
 * @param epoch the history's epoch: opaque text, compared as a whole
 * @param seq   the seq of the latest message at this place; 0 before the first one
 */
public record Position(String epoch, long seq) {

    /** Longest epoch a client may send back: an epoch the hub makes is much shorter. */
    public static final int MAX_EPOCH_CHARS = 64;

    /** Validates: an epoch of 1–64 characters, a seq of at least 0. */
    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (epoch.isEmpty() || epoch.length() > MAX_EPOCH_CHARS) {
            throw new IllegalArgumentException("epoch must be 1-" + MAX_EPOCH_CHARS + " characters, was " + epoch.length());
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, was " + seq);
        }
    }
}
