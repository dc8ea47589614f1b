package io.wshub.internal;

import io.wshub.Hub;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.RoomJoin;
import io.wshub.Rooms;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.spi.Tracing;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The hub's {@link Rooms}: created on first join, removed when the last member leaves.
 *
 * <p>Each room's lock gives the room one order: membership changes, the replies and
 * announcements that go with them, and room messages are offered to the members' queues under
 * it, so every member sees the same sequence (nobody hears of a join after a member list that
 * already held it, or before one that did not). Offers never block and their writes are handed
 * to the flush executor, so no I/O happens under the lock. A session's own room set changes
 * under the same lock, so the two always agree.
 *
 * <p>Lock order: a room's lock, then a recipient writer's lock (or a flush lane's, or the
 * session's own monitor for its room set); those are leaves that call nothing while held. No
 * thread ever holds two rooms' locks. A close decided under a room's lock (a recipient whose queue
 * overflows) is carried out after the lock is released, by {@link Deferral}: no close, leave or
 * announcement runs under a room's lock.
 *
 * <p>A room is its lock and its member array ({@link SessionArrays}): membership changes under the
 * lock and publish a new array, so a fan-out reads one volatile array and allocates nothing.
 *
 * <p>With history on, a room also holds its {@link History}, made with the room and discarded when
 * it empties (the next join starts a new epoch). A published message takes its seq and its place in
 * the history under the room's lock, in the same step that offers it to the members: the room's
 * fan-out is the one place where a message gets its position, so the seq order is the room's order,
 * and a recovering join reads the history at the very point of the order where it joins.
 */
final class RoomRegistry implements Rooms {

    /** One room: its monitor is the room's lock. */
    static final class Room {
        final String name;
        /** Its messages and their seqs, or null with history off; appended and read under the lock. */
        final History history;
        /** Copy-on-write; replaced under the lock, read without it. */
        volatile HubSession[] members = SessionArrays.NONE;
        /** Set under the lock when the room emptied and left the registry; a removed room is never reused. */
        boolean removed;

        Room(String name, History history) {
            this.name = name;
            this.history = history;
        }
    }

    /** What a resume recovers of one room: the messages after the client's position, up to this seq. */
    record Replay(List<Message> missed, long upTo) {
    }

    /** Makes the history of a new room. */
    @FunctionalInterface
    interface Histories {
        /** With history off: rooms keep none. */
        Histories OFF = name -> null;

        History newHistory(String room);
    }

    private final Hub owner;
    private final BrokerCalls broker;
    private final NanoClock clock;
    private final Tracing tracing;
    private final Histories histories;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    /**
     * @param owner     the hub whose sessions may join; anyone else's are refused
     * @param histories makes each new room's history ({@link Histories#OFF}: none)
     */
    RoomRegistry(Hub owner, BrokerCalls broker, NanoClock clock, Tracing tracing, Histories histories) {
        this.owner = owner;
        this.broker = broker;
        this.clock = clock;
        this.tracing = tracing;
        this.histories = histories;
    }

    @Override
    public boolean join(Session session, String name) {
        return join(session, name, null, null);
    }

    @Override
    public boolean join(Session session, String name, Function<List<String>, Message> reply, Message announcement) {
        return join(session, name, null, reply == null ? null : j -> reply.apply(j.members()), announcement);
    }

    @Override
    public boolean join(Session session, String name, Position since, Function<RoomJoin, Message> reply,
                        Message announcement) {
        HubSession s = own(session);
        requireName(name);
        Deferral.Scope scope = Deferral.enter();
        try {
            return joinNow(s, name, since, reply, announcement);
        } finally {
            scope.exit();
        }
    }

    private boolean joinNow(HubSession s, String name, Position since, Function<RoomJoin, Message> reply,
                            Message announcement) {
        for (;;) {
            Room room = rooms.computeIfAbsent(name, this::newRoom);
            boolean joined;
            synchronized (room) {
                if (room.removed) {
                    continue; // it emptied under us: join its successor
                }
                joined = !s.isClosed() && add(room, s);
                if (joined) {
                    s.addRoom(name);
                    if (announcement != null) {
                        offerToMembers(room, announcement, 0, s.id());
                    }
                }
                if (!s.isClosed()) {
                    answerJoin(room, s, since, reply);
                }
            }
            if (!joined) {
                return false;
            }
            // The session may have closed while joining: its close either saw the room in
            // s.rooms, or we see it closed here. Leaving twice is harmless.
            if (s.isClosed()) {
                leave(s, name);
                return false;
            }
            broker.roomJoined(name, s.id());
            if (announcement != null) {
                broker.publishRoom(name, announcement, s.id());
            }
            return true;
        }
    }

    private Room newRoom(String name) {
        return new Room(name, histories.newHistory(name));
    }

    /**
     * The joiner's reply, then, when it recovers, what it missed: the room's messages after
     * {@code since}, up to the latest (its own included). The caller holds the room's lock, so live
     * messages follow them in the room's order.
     */
    private void answerJoin(Room room, HubSession s, Position since, Function<RoomJoin, Message> reply) {
        long now = clock.nanoTime();
        List<Message> missed = since == null || room.history == null ? null : room.history.after(since, now);
        if (reply != null) {
            Optional<Position> position = room.history == null ? Optional.empty() : Optional.of(room.history.position());
            Optional<Boolean> recovered = since == null ? Optional.empty() : Optional.of(missed != null);
            s.offer(reply.apply(new RoomJoin(members(room), position, recovered)), true, now);
        }
        if (missed != null && !missed.isEmpty()) {
            s.offerReplayed(missed, now);
        }
    }

    @Override
    public boolean leave(Session session, String name) {
        return leave(session, name, null);
    }

    @Override
    public boolean leave(Session session, String name, Message announcement) {
        HubSession s = own(session);
        requireName(name);
        Deferral.Scope scope = Deferral.enter();
        try {
            return leaveNow(s, name, announcement);
        } finally {
            scope.exit();
        }
    }

    private boolean leaveNow(HubSession s, String name, Message announcement) {
        Room room = rooms.get(name);
        if (room == null) {
            return false;
        }
        synchronized (room) {
            if (!remove(room, s)) {
                return false;
            }
            s.removeRoom(name);
            if (room.members.length == 0) {
                room.removed = true;
                rooms.remove(name, room);
                if (room.history != null) {
                    room.history.discard(); // the next join starts a new epoch
                }
            } else if (announcement != null) {
                offerToMembers(room, announcement, 0, null);
            }
        }
        broker.roomLeft(name, s.id());
        if (announcement != null) {
            broker.publishRoom(name, announcement, s.id());
        }
        return true;
    }

    /** Takes a closing session out of every room; returns the rooms it was in. */
    Set<String> leaveAll(HubSession s) {
        Set<String> left = new HashSet<>();
        for (String name : s.joinedRooms()) {
            if (leave(s, name)) {
                left.add(name);
            }
        }
        return left;
    }

    @Override
    public boolean isMember(Session session, String name) {
        Room room = rooms.get(name);
        if (room == null) {
            return false;
        }
        for (HubSession m : room.members) {
            if (m == session) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> members(String name) {
        Room room = rooms.get(name);
        return room == null ? remoteAnd(new TreeSet<>(), name) : members(room);
    }

    /** The room's members here and on other nodes, sorted. */
    private List<String> members(Room room) {
        Set<String> ids = new TreeSet<>();
        for (HubSession m : room.members) {
            ids.add(m.id());
        }
        return remoteAnd(ids, room.name);
    }

    private List<String> remoteAnd(Set<String> ids, String name) {
        ids.addAll(broker.remoteMembers(name));
        return List.copyOf(ids);
    }

    @Override
    public Collection<Session> localMembers(String name) {
        Room room = rooms.get(name);
        return room == null ? List.of() : List.of(room.members);
    }

    @Override
    public Set<String> names() {
        return Set.copyOf(rooms.keySet());
    }

    int count() {
        return rooms.size();
    }

    @Override
    public int broadcast(String name, Message frame, Session except) {
        Objects.requireNonNull(frame, "frame");
        requireName(name);
        String exceptId = except == null ? null : except.id();
        int queued = deliverLocal(name, frame, exceptId);
        broker.publishRoom(name, frame, exceptId);
        return queued;
    }

    @Override
    public long publish(String name, Positioned message, Session except) {
        Objects.requireNonNull(message, "message");
        requireName(name);
        String exceptId = except == null ? null : except.id();
        long seq = fanOut(name, null, message, exceptId);
        broker.publishRoom(name, message.unpositioned(), exceptId);
        return seq;
    }

    /**
     * What a session resuming missed in a room it is in: every message after {@code since}, read in
     * one step of the room's order, or null when the room keeps no history that reaches it.
     */
    Replay replay(String name, Position since, long nowNanos) {
        Room room = rooms.get(name);
        if (room == null || room.history == null) {
            return null;
        }
        synchronized (room) {
            List<Message> missed = room.history.after(since, nowNanos);
            return missed == null ? null : new Replay(missed, room.history.lastSeq());
        }
    }

    /** Forgets, in every room's history, what is older than its age limit; the hub's ticker calls it. */
    void trimHistories(long nowNanos) {
        for (Room room : rooms.values()) {
            if (room.history != null) {
                synchronized (room) { // the history's counts change only in the room's order
                    room.history.trim(nowNanos);
                }
            }
        }
    }

    /** Offers the frame to the room's local members but one, in the room's order. */
    int deliverLocal(String name, Message frame, String exceptId) {
        return (int) fanOut(name, frame, null, exceptId);
    }

    /**
     * One step of the room's order, in its span: offers the frame — or the positioned message, at
     * the room's next seq when it keeps a history — to the room's local members but one.
     *
     * @return for a positioned message its seq (0: none), else how many members it was queued for
     */
    private long fanOut(String name, Message frame, Positioned positioned, String exceptId) {
        Room room = rooms.get(name);
        if (room == null) {
            return 0;
        }
        Tracing.Span span = tracing.fanOut(name);
        int queued = 0;
        Deferral.Scope scope = Deferral.enter();
        try {
            synchronized (room) {
                if (positioned == null) {
                    queued = offerToMembers(room, frame, 0, exceptId);
                    return queued;
                }
                if (room.history == null) {
                    queued = offerToMembers(room, positioned.unpositioned(), 0, exceptId);
                    return 0;
                }
                Message positionedFrame = room.history.append(positioned, clock.nanoTime());
                long seq = room.history.lastSeq();
                queued = offerToMembers(room, positionedFrame, seq, exceptId);
                return seq;
            }
        } finally {
            scope.exit();
            span.recipients(queued);
            span.end();
        }
    }

    /** The room's fan-out; the caller holds the room's lock, so writes go to the flush executor. */
    private int offerToMembers(Room room, Message frame, long seq, String exceptId) {
        int queued = 0;
        long now = clock.nanoTime();
        for (HubSession m : room.members) {
            if (!m.id().equals(exceptId) && m.offerRoom(room.name, seq, frame, now) == SendResult.QUEUED) {
                queued++;
            }
        }
        return queued;
    }

    /** Adds a member; the caller holds the room's lock. */
    private static boolean add(Room room, HubSession s) {
        HubSession[] next = SessionArrays.with(room.members, s);
        boolean added = next != room.members;
        room.members = next;
        return added;
    }

    /** Removes a member; the caller holds the room's lock. */
    private static boolean remove(Room room, HubSession s) {
        HubSession[] next = SessionArrays.without(room.members, s);
        boolean removed = next != room.members;
        room.members = next;
        return removed;
    }

    /** This hub's own session behind the public type. */
    private HubSession own(Session session) {
        if (session instanceof HubSession s && s.hub() == owner) {
            return s;
        }
        throw new IllegalArgumentException("session " + session + " does not belong to this hub");
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("room name must be a non-empty string, was " + (name == null ? "null" : "empty"));
        }
    }
}
