package io.wshub.internal;

import io.wshub.Hub;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.RoomJoin;
import io.wshub.Rooms;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.spi.Broker;
import io.wshub.spi.Tracing;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * <p>The first local join of a room waits, before the room's lock, until the broker says the room's
 * messages from other nodes reach this node ({@link Broker#roomReady}, bounded by
 * {@link BrokerCalls#ANSWER_WAIT}), so the joiner's reply comes after that and it misses nothing
 * published after it; with the cluster's order the join's read waits for the same.
 *
 * <p>With history on, a room also holds its {@link History}, made with the room and discarded when
 * it empties (the next join starts a new epoch). A published message takes its seq and its place in
 * the history under the room's lock, in the same step that offers it to the members: the room's
 * fan-out is the one place where a message gets its position, so the seq order is the room's order,
 * and a recovering join reads the history at the very point of the order where it joins.
 *
 * <p>With a broker that orders rooms for the cluster ({@link ClusterRooms}) a room keeps no history
 * here: a published message goes to the broker, which gives it its seq, and comes back to every
 * node, this one included, through {@link #deliverSequenced}, in the room's one order; each node
 * delivers it to its members then. A room remembers the position of the latest message delivered
 * here ({@link Room#epoch}, {@link Room#delivered}): a join answers with it, in this node's step of
 * the order, and a join or a resume that reads the cluster's history ahead of it skips, for that
 * member, what it already got ({@link Room#floors}).
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
        /** With the cluster's order: the epoch of what was delivered here, null until known. Under the lock. */
        String epoch;
        /** With the cluster's order: the seq of the latest message delivered here (or read, in a new room). Under the lock. */
        long delivered;
        /**
         * With the cluster's order: members whose join or resume read the history beyond
         * {@link #delivered}, and the seq up to which they have what comes; null when none. Under the lock.
         */
        Map<HubSession, Long> floors;

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
    private final Deliveries deliveries;
    /** The cluster's order of rooms, or null when this node orders its rooms itself. */
    private final ClusterRooms cluster;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    /**
     * @param owner      the hub whose sessions may join; anyone else's are refused
     * @param histories  makes each new room's history ({@link Histories#OFF}: none)
     * @param deliveries decides, once per fan-out, the policy of a room's messages
     * @param cluster    the cluster's order of rooms, or null: this node orders them (by {@code histories})
     */
    RoomRegistry(Hub owner, BrokerCalls broker, NanoClock clock, Tracing tracing, Histories histories,
                 Deliveries deliveries, ClusterRooms cluster) {
        this.deliveries = deliveries;
        this.cluster = cluster;
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
        Broker.RoomRead read = null;
        boolean ready = cluster != null; // the cluster's read waits for the room's messages itself
        for (;;) {
            Room room = rooms.computeIfAbsent(name, this::newRoom);
            if (cluster != null && read == null && needsRead(room, since)) {
                read = readForJoin(room, since); // before the lock: it waits on the network
            }
            if (!ready && room.members.length == 0) {
                broker.awaitRoomReady(name); // the first member here: before the lock, it waits on the network
                ready = true;
            }
            boolean joined;
            synchronized (room) {
                if (room.removed) {
                    continue; // it emptied under us: join its successor
                }
                joined = !s.isClosed() && add(room, s);
                if (!joined && room.members.length == 0) {
                    retire(room); // made for this join, which the session's close ended meanwhile
                }
                if (joined) {
                    s.addRoom(name);
                    if (announcement != null) {
                        offerToMembers(room, announcement, 0, s.id());
                    }
                }
                if (!s.isClosed()) {
                    if (cluster != null) {
                        answerClusterJoin(room, s, since, read, reply);
                    } else {
                        answerJoin(room, s, since, reply);
                    }
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

    /** A read that failed: the join answers without a position. */
    private static final Broker.RoomRead NOT_READ = new Broker.RoomRead(null, null);

    /**
     * The cluster's history for a join, read again (rarely, at most {@value #JOIN_READS} times) while
     * this node delivered beyond it meanwhile: those messages went to the members before the joiner
     * was one, so a recovering joiner needs a read that holds them.
     */
    private Broker.RoomRead readForJoin(Room room, Position since) {
        Broker.RoomRead read = NOT_READ;
        for (int i = 0; i < JOIN_READS; i++) {
            Broker.RoomRead r = cluster.read(room.name, since);
            if (r == null || r.position() == null) {
                return read;
            }
            read = r;
            synchronized (room) {
                if (since == null || room.epoch == null || !room.epoch.equals(r.position().epoch())
                        || r.position().seq() >= room.delivered) {
                    return r;
                }
            }
        }
        return read;
    }

    private static final int JOIN_READS = 3;

    /** Whether a join must read the cluster's history: to recover, or to learn a position this node has not seen. */
    private static boolean needsRead(Room room, Position since) {
        if (since != null) {
            return true;
        }
        synchronized (room) {
            return room.epoch == null;
        }
    }

    /**
     * The joiner's reply with the cluster's order: the position is this node's step of the order, or
     * the read's when it is ahead (what lies between is still on its way here, and this member skips
     * it); then, when it recovers, the read's messages after {@code since}. The caller holds the
     * room's lock.
     */
    private void answerClusterJoin(Room room, HubSession s, Position since, Broker.RoomRead read,
                                   Function<RoomJoin, Message> reply) {
        long now = clock.nanoTime();
        List<Message> missed = null;
        if (read != null && read.position() != null) {
            Position p = read.position();
            if (room.epoch == null) { // a new room here: nothing of the read's epoch was delivered to it
                room.epoch = p.epoch();
                room.delivered = p.seq();
            }
            if (room.epoch.equals(p.epoch())) {
                if (p.seq() > room.delivered) {
                    skipUpTo(room, s, p.seq());
                }
                missed = since == null || p.seq() < room.delivered ? null : read.after();
            }
        }
        if (reply != null) {
            Optional<Position> position = room.epoch == null ? Optional.empty()
                    : Optional.of(new Position(room.epoch, Math.max(room.delivered, floorOf(room, s))));
            Optional<Boolean> recovered = since == null ? Optional.empty() : Optional.of(missed != null);
            s.offer(reply.apply(new RoomJoin(members(room), position, recovered)), true, now);
        }
        if (missed != null && !missed.isEmpty()) {
            s.offerReplayed(missed, now);
        }
    }

    /** This member has what comes up to {@code seq}: it skips it. The caller holds the room's lock. */
    private static void skipUpTo(Room room, HubSession s, long seq) {
        if (room.floors == null) {
            room.floors = new HashMap<>();
        }
        room.floors.merge(s, seq, Math::max);
    }

    private static long floorOf(Room room, HubSession s) {
        Map<HubSession, Long> floors = room.floors;
        Long floor = floors == null ? null : floors.get(s);
        return floor == null ? 0 : floor;
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
            if (room.floors != null) {
                room.floors.remove(s);
            }
            if (room.members.length == 0) {
                retire(room);
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

    /** An empty room leaves the registry for good; the caller holds its lock. */
    private void retire(Room room) {
        room.removed = true;
        rooms.remove(room.name, room);
        if (room.history != null) {
            room.history.discard(); // the next join starts a new epoch
        }
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
        if (cluster != null) {
            publishToCluster(name, message, exceptId);
            return 0;
        }
        long seq = fanOut(name, null, message, exceptId);
        broker.publishRoom(name, message.unpositioned(), exceptId);
        return seq;
    }

    @Override
    public CompletionStage<Long> publishSequenced(String name, Positioned message, Session except) {
        Objects.requireNonNull(message, "message");
        requireName(name);
        String exceptId = except == null ? null : except.id();
        if (cluster != null) {
            return publishToCluster(name, message, exceptId);
        }
        long seq = fanOut(name, null, message, exceptId);
        broker.publishRoom(name, message.unpositioned(), exceptId);
        return CompletableFuture.completedFuture(seq);
    }

    @Override
    public boolean sequencedByCluster() {
        return cluster != null;
    }

    /**
     * Hands the message to the cluster's order; it reaches this node's members when it comes back
     * through {@link #deliverSequenced}. When the broker could not take it, this node's members get
     * it at once without a seq (a broker outage never stops local delivery), and its seq is 0.
     */
    private CompletionStage<Long> publishToCluster(String name, Positioned message, String exceptId) {
        return cluster.publish(name, message.unpositioned(), exceptId).handle((seq, error) -> {
            if (error == null) {
                return seq;
            }
            fanOut(name, message.unpositioned(), null, exceptId);
            return 0L;
        });
    }

    /**
     * A message in the cluster's order of its room, at its seq: delivered to the local members but
     * one, less those that have it already. A new epoch (the cluster's history of the room started
     * again) is taken as it comes; a seq this node is past (it read the room ahead) is dropped.
     */
    void deliverSequenced(String name, Position position, Message frame, String exceptId) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        Tracing.Span span = tracing.fanOut(name);
        int queued = 0;
        Deferral.Scope scope = Deferral.enter();
        try {
            synchronized (room) {
                long seq = position.seq();
                if (!position.epoch().equals(room.epoch)) {
                    room.epoch = position.epoch();
                    room.floors = null; // what was read of the old epoch counts no more
                } else if (seq <= room.delivered) {
                    return;
                }
                room.delivered = seq;
                passFloors(room, seq);
                queued = offerToMembers(room, frame, seq, exceptId);
            }
        } finally {
            scope.exit();
            span.recipients(queued);
            span.end();
        }
    }

    /** Forgets the floors this seq passed; the caller holds the room's lock. */
    private static void passFloors(Room room, long seq) {
        if (room.floors != null) {
            room.floors.values().removeIf(floor -> floor < seq);
            if (room.floors.isEmpty()) {
                room.floors = null;
            }
        }
    }

    /**
     * What a session resuming missed in a room it is in: every message after {@code since}, read in
     * one step of the room's order, or null when the room keeps no history that reaches it.
     */
    Replay replay(HubSession s, String name, Position since, long nowNanos) {
        Room room = rooms.get(name);
        if (room != null && cluster != null) {
            return clusterReplay(room, s, since);
        }
        if (room == null || room.history == null) {
            return null;
        }
        synchronized (room) {
            List<Message> missed = room.history.after(since, nowNanos);
            return missed == null ? null : new Replay(missed, room.history.lastSeq());
        }
    }

    /**
     * A resume's replay from the cluster's history, read before the room's lock and matched to this
     * node's step of the order under it: what this node delivered beyond the read came after the
     * read, so after the session's gate closed, and waits there; what the read holds beyond what was
     * delivered here this member skips when it comes.
     */
    private Replay clusterReplay(Room room, HubSession s, Position since) {
        Broker.RoomRead read = cluster.read(room.name, since);
        if (read == null || read.position() == null || read.after() == null) {
            return null;
        }
        Position p = read.position();
        synchronized (room) {
            if (room.removed || room.epoch != null && !room.epoch.equals(p.epoch())) {
                return null;
            }
            if (room.epoch == null) {
                room.epoch = p.epoch();
                room.delivered = p.seq();
            }
            // Delivered here beyond the read: it came after the gate closed, and waits there.
            if (p.seq() > room.delivered) {
                skipUpTo(room, s, p.seq());
            }
            return new Replay(read.after(), p.seq());
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

    /**
     * The room's fan-out, but to members that have the seq already (with the cluster's order); the
     * caller holds the room's lock, so writes go to the flush executor.
     */
    private int offerToMembers(Room room, Message frame, long seq, String exceptId) {
        int queued = 0;
        long now = clock.nanoTime();
        Delivery delivery = deliveries.forRoom(room.name, frame);
        Map<HubSession, Long> floors = room.floors;
        for (HubSession m : room.members) {
            if (!m.id().equals(exceptId) && (floors == null || !has(floors, m, seq))
                    && m.offerRoom(room.name, seq, frame, delivery, now) == SendResult.QUEUED) {
                queued++;
            }
        }
        return queued;
    }

    private static boolean has(Map<HubSession, Long> floors, HubSession m, long seq) {
        Long floor = floors.get(m);
        return floor != null && seq <= floor;
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
