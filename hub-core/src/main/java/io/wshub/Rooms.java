package io.wshub;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The hub's rooms: named sets of sessions, created on first join and removed when empty. A closed
 * session leaves all its rooms. Thread-safe.
 */
public interface Rooms {

    /**
     * Adds the session to the room.
     *
     * @return true if it joined, false if it was already a member or is closed
     */
    boolean join(Session session, String room);

    /**
     * Removes the session from the room (the room goes when empty).
     *
     * @return true if it was a member
     */
    boolean leave(Session session, String room);

    /** Whether the session is a member of the room. */
    boolean isMember(Session session, String room);

    /**
     * The ids of every member, on this node and, through the broker, on others; sorted by id.
     */
    List<String> members(String room);

    /** The members on this node. */
    Collection<Session> localMembers(String room);

    /** The rooms that have members on this node. */
    Set<String> names();

    /**
     * Sends the frame to every member of the room except {@code except} (which may be null), on
     * this node and, through the broker, on others. The frame is shared, not copied.
     *
     * @return how many local members it was queued for
     */
    int broadcast(String room, Frame frame, Session except);
}
