package io.wshub;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The hub's rooms: named sets of sessions, created on first join and removed when empty. A closed
 * session leaves all its rooms. Thread-safe.
 *
 * <p>Each room has one order: joins, leaves, and the messages sent to the room (with
 * {@link #broadcast}, or as the reply and announcement of a join or leave) reach every member in
 * that order. Use the join and leave that carry their own announcements, so that no member hears
 * of a join after it already saw the joiner in a member list.
 */
public interface Rooms {

    /**
     * Adds the session to the room.
     *
     * @return true if it joined, false if it was already a member or is closed
     */
    boolean join(Session session, String room);

    /**
     * Joins and tells, as one step of the room's order: the joiner is sent {@code reply} built
     * from the member list that includes it (sent even if it was already a member), and the other
     * members, on this node and through the broker on others, are sent {@code announcement} if it
     * was not. Either may be null.
     *
     * <p>{@code reply} runs under the room's lock, with the member list as the room's order has it
     * at the join (this node's members and, from the broker's local view, the other nodes'): keep it
     * to building the message, without blocking or calling the hub. It is the only application code
     * that runs under a room's lock, and {@link io.wshub.spi.Broker#remoteMembers} the only broker
     * call; both are why the joiner's list and the others' announcements agree.
     *
     * @return true if it joined, false if it was already a member or is closed
     */
    boolean join(Session session, String room, Function<List<String>, Message> reply, Message announcement);

    /**
     * Joins and tells, as {@link #join(Session, String, Function, Message)} does, and recovers: when
     * {@code since} is given (a position the joiner was given in this room before) and the room's
     * history still holds every message after it in the same epoch, those messages follow the reply,
     * in order, and then the room's live messages: no gap, no repeat. The reply is built from what the
     * join saw ({@link RoomJoin}: members, the room's position, whether it recovered) under the same
     * rules as the plain join's.
     *
     * @param since where the joiner left off, or null for a plain join
     * @return true if it joined, false if it was already a member or is closed (a member that gives
     *         {@code since} is answered and recovered all the same)
     */
    boolean join(Session session, String room, Position since, Function<RoomJoin, Message> reply, Message announcement);

    /**
     * Removes the session from the room (the room goes when empty).
     *
     * @return true if it was a member
     */
    boolean leave(Session session, String room);

    /**
     * Leaves and tells the remaining members, on every node, as one step of the room's order.
     *
     * @return true if it was a member (only then is the announcement sent)
     */
    boolean leave(Session session, String room, Message announcement);

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
    int broadcast(String room, Message frame, Session except);

    /**
     * Sends a message to every member of the room except {@code except}, as {@link #broadcast} does,
     * giving it its place in the room's order: with history on ({@link HubOptions#roomHistory()}) it
     * takes the room's next seq, is kept in the room's history for recovery, and every local member
     * gets {@code message.at(seq)}. Other nodes get {@code message.unpositioned()}: positions are
     * this node's. With a broker that orders rooms for the cluster ({@link #sequencedByCluster()})
     * the seq is the cluster's, given later: every member, here and on other nodes, gets
     * {@code message.at(seq)} in the room's one order, and this returns 0 (use
     * {@link #publishSequenced} to learn the seq).
     *
     * @return the message's seq, or 0 when it has none (history off, no member on this node, or
     *         given by the cluster)
     */
    long publish(String room, Positioned message, Session except);

    /**
     * Sends a message as {@link #publish} does, and tells the seq it took: at once when this node
     * orders its rooms, once the cluster gave it when the broker orders rooms for the cluster.
     *
     * @return the message's seq, or 0 when it has none (history off, no member on this node, or the
     *         broker could not take it, when this node's members got it without a seq)
     */
    CompletionStage<Long> publishSequenced(String room, Positioned message, Session except);

    /**
     * Whether the rooms' seqs are given by the cluster ({@link io.wshub.spi.Broker#sequencesRooms()},
     * with history on): {@link #publish} then returns 0 and {@link #publishSequenced} tells the seq later.
     */
    boolean sequencedByCluster();
}
