package io.wshub.redis;

import java.util.Objects;

/**
 * One change to a node's entries: a session id added or removed, or a session joining or leaving
 * a room. The same ops are written to Redis and announced to the other nodes.
 *
 * @param kind      what changes
 * @param sessionId the session
 * @param room      the room, or null for a session id change
 */
record MembershipOp(Kind kind, String sessionId, String room) {

    /** What an op changes; {@link #code} is its name on the wire and in the Lua scripts. */
    enum Kind {
        ADD_SESSION("+s"), REMOVE_SESSION("-s"), JOIN("+m"), LEAVE("-m");

        final String code;

        Kind(String code) {
            this.code = code;
        }

        static Kind of(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown membership op '" + code + "'");
        }

        boolean isRoomOp() {
            return this == JOIN || this == LEAVE;
        }
    }

    MembershipOp {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sessionId, "sessionId");
        if (kind.isRoomOp() != (room != null)) {
            throw new IllegalArgumentException(kind + " " + (room == null ? "needs a room" : "takes no room"));
        }
    }

    static MembershipOp addSession(String id) {
        return new MembershipOp(Kind.ADD_SESSION, id, null);
    }

    static MembershipOp removeSession(String id) {
        return new MembershipOp(Kind.REMOVE_SESSION, id, null);
    }

    static MembershipOp join(String id, String room) {
        return new MembershipOp(Kind.JOIN, id, room);
    }

    static MembershipOp leave(String id, String room) {
        return new MembershipOp(Kind.LEAVE, id, room);
    }

    /**
     * The op's member in Redis: the session id, or {@code "id room"} for a membership (a session
     * id never holds a space, so the first space splits the two).
     */
    String member() {
        return room == null ? sessionId : membership(sessionId, room);
    }

    static String membership(String sessionId, String room) {
        return sessionId + ' ' + room;
    }

    /** The op that {@link #kind} and {@link #member()} stand for. */
    static MembershipOp parse(Kind kind, String member) {
        if (!kind.isRoomOp()) {
            return new MembershipOp(kind, member, null);
        }
        int space = member.indexOf(' ');
        if (space <= 0 || space == member.length() - 1) {
            throw new IllegalArgumentException("a membership is 'id room', was '" + member + "'");
        }
        return new MembershipOp(kind, member.substring(0, space), member.substring(space + 1));
    }
}
