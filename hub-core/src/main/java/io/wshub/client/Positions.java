package io.wshub.client;

import io.wshub.client.RoomFrames.Position;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the room client is in each room's order and in its inbox: the last {@code seq} delivered
 * to the application, within an epoch. It is what the client resumes from and what tells a
 * message it has already delivered (a duplicate is not delivered again). Confined to the client's
 * serial executor.
 *
 * <p>A position is only ever moved by what was delivered, never by the client's own acks: a
 * message of another member may still be on its way when the ack of a later one of ours arrives.
 */
final class Positions {

    /** The seq of a position whose epoch is known but whose place is not (yet). */
    private static final long UNKNOWN = -1;

    // Rooms joined at least once and not left since; null: joined, but the room keeps no history.
    private final Map<String, Position> rooms = new HashMap<>();
    private Position inbox; // null: no inbox known

    /** Whether the room was joined before (and not left), so that a reconnect restores it. */
    boolean wasJoined(String room) {
        return rooms.containsKey(room);
    }

    /** Where to recover the room from, or null when that is not known. */
    Position since(String room) {
        return known(rooms.get(room));
    }

    /** Where to recover the inbox from, or null when that is not known. */
    Position inbox() {
        return known(inbox);
    }

    /**
     * The server answered a join with the room's latest position ({@code answered}, null without
     * history). A recovering join that recovered keeps the client's place (the missed messages
     * follow); one that did not, and a plain join of a room whose place is unknown or of another
     * epoch, start from the answer.
     *
     * @param recovered the answer's {@code recovered}, null when it had none (a plain join)
     */
    void joined(String room, Position answered, Boolean recovered) {
        Position now = rooms.get(room);
        if (Boolean.TRUE.equals(recovered) && known(now) != null) {
            return;
        }
        if (answered == null || Boolean.FALSE.equals(recovered) || known(now) == null
                || !now.epoch().equals(answered.epoch())) {
            rooms.put(room, answered);
        }
    }

    /** The room was left: a later join starts afresh. */
    void left(String room) {
        rooms.remove(room);
    }

    /** The room was not recovered: its place is unknown until the server says it again. */
    void lost(String room) {
        Position now = rooms.get(room);
        rooms.put(room, now == null ? null : new Position(UNKNOWN, now.epoch()));
    }

    /** Whether a room message with this seq is new (and then it is where the room is now). */
    boolean admitRoomMessage(String room, long seq) {
        Position now = rooms.get(room);
        if (now == null) {
            return true; // a room we are not in, or one without positions: nothing to compare
        }
        if (seq <= now.seq()) {
            return false;
        }
        rooms.put(room, new Position(seq, now.epoch()));
        return true;
    }

    /** A session's inbox starts here (a fresh session's welcome says where). */
    void inboxStarts(Position start) {
        inbox = start;
    }

    /** The inbox was not recovered: its place is unknown until the next private message. */
    void inboxLost() {
        if (inbox != null) {
            inbox = new Position(UNKNOWN, inbox.epoch());
        }
    }

    /** Whether a private message with this seq is new (and then it is where the inbox is now). */
    boolean admitPrivateMessage(long seq) {
        if (inbox == null) {
            return true;
        }
        if (seq <= inbox.seq()) {
            return false;
        }
        inbox = new Position(seq, inbox.epoch());
        return true;
    }

    private static Position known(Position p) {
        return p != null && p.seq() != UNKNOWN ? p : null;
    }
}
