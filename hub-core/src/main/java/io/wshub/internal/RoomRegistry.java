package io.wshub.internal;

import io.wshub.Hub;
import io.wshub.Message;
import io.wshub.Rooms;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.spi.Tracing;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
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
 * lock and publish a new array, so a fan-out reads one volatile array and allocates nothing. Later, a room's fan-out is
 * where its messages get their place in the room's order (sequence numbers, history).
 */
final class RoomRegistry implements Rooms {

    /** One room: its monitor is the room's lock. */
    static final class Room {
        final String name;
        /** Copy-on-write; replaced under the lock, read without it. */
        volatile HubSession[] members = SessionArrays.NONE;
        /** Set under the lock when the room emptied and left the registry; a removed room is never reused. */
        boolean removed;

        Room(String name) {
            this.name = name;
        }
    }

    private final Hub owner;
    private final BrokerCalls broker;
    private final NanoClock clock;
    private final Tracing tracing;
    private final Deliveries deliveries;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    /**
     * @param owner      the hub whose sessions may join; anyone else's are refused
     * @param deliveries decides, once per fan-out, the policy of a room's messages
     */
    RoomRegistry(Hub owner, BrokerCalls broker, NanoClock clock, Tracing tracing, Deliveries deliveries) {
        this.deliveries = deliveries;
        this.owner = owner;
        this.broker = broker;
        this.clock = clock;
        this.tracing = tracing;
    }

    @Override
    public boolean join(Session session, String name) {
        return join(session, name, null, null);
    }

    @Override
    public boolean join(Session session, String name, Function<List<String>, Message> reply, Message announcement) {
        HubSession s = own(session);
        requireName(name);
        Deferral.Scope scope = Deferral.enter();
        try {
            return joinNow(s, name, reply, announcement);
        } finally {
            scope.exit();
        }
    }

    private boolean joinNow(HubSession s, String name, Function<List<String>, Message> reply, Message announcement) {
        for (;;) {
            Room room = rooms.computeIfAbsent(name, Room::new);
            boolean joined;
            synchronized (room) {
                if (room.removed) {
                    continue; // it emptied under us: join its successor
                }
                joined = !s.isClosed() && add(room, s);
                if (joined) {
                    s.addRoom(name);
                    if (announcement != null) {
                        offerToMembers(room, announcement, s.id());
                    }
                }
                if (reply != null && !s.isClosed()) {
                    s.offer(reply.apply(members(room)), true, clock.nanoTime());
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
            } else if (announcement != null) {
                offerToMembers(room, announcement, null);
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

    /** Offers the frame to the room's local members but one, in the room's order. */
    int deliverLocal(String name, Message frame, String exceptId) {
        Room room = rooms.get(name);
        if (room == null) {
            return 0;
        }
        Tracing.Span span = tracing.fanOut(name);
        int queued = 0;
        Deferral.Scope scope = Deferral.enter();
        try {
            synchronized (room) {
                queued = offerToMembers(room, frame, exceptId);
            }
            return queued;
        } finally {
            scope.exit();
            span.recipients(queued);
            span.end();
        }
    }

    /** The room's fan-out; the caller holds the room's lock, so writes go to the flush executor. */
    private int offerToMembers(Room room, Message frame, String exceptId) {
        int queued = 0;
        long now = clock.nanoTime();
        Delivery delivery = deliveries.forRoom(room.name, frame);
        for (HubSession m : room.members) {
            if (!m.id().equals(exceptId) && m.offer(frame, delivery, true, now) == SendResult.QUEUED) {
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
