package io.wshub.internal;

import io.wshub.ErrorKind;
import io.wshub.Frame;
import io.wshub.Rooms;
import io.wshub.SendResult;
import io.wshub.Session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's {@link Rooms}: created on first join, removed when the last member leaves. A
 * session's own room set changes under the same room lock as the room, so the two always agree.
 */
final class RoomRegistry implements Rooms {

    private final DefaultHub hub;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    RoomRegistry(DefaultHub hub) {
        this.hub = hub;
    }

    @Override
    public boolean join(Session session, String name) {
        HubSession s = hub.own(session);
        requireName(name);
        for (;;) {
            Room room = rooms.computeIfAbsent(name, Room::new);
            synchronized (room) {
                if (room.removed) {
                    continue; // it emptied under us: join its successor
                }
                if (!room.add(s)) {
                    return false;
                }
                s.rooms.add(name);
            }
            // The session may have closed while joining: its close either saw the room in
            // s.rooms, or we see it closed here. Leaving twice is harmless.
            if (s.isClosed()) {
                leave(s, name);
                return false;
            }
            publishMembership(() -> hub.broker().roomJoined(name, s.id()));
            return true;
        }
    }

    @Override
    public boolean leave(Session session, String name) {
        HubSession s = hub.own(session);
        requireName(name);
        Room room = rooms.get(name);
        if (room == null) {
            return false;
        }
        synchronized (room) {
            if (!room.remove(s)) {
                return false;
            }
            s.rooms.remove(name);
            if (room.isEmpty()) {
                room.removed = true;
                rooms.remove(name, room);
            }
        }
        publishMembership(() -> hub.broker().roomLeft(name, s.id()));
        return true;
    }

    /** Takes a closing session out of every room; returns the rooms it was in. */
    Set<String> leaveAll(HubSession s) {
        Set<String> left = new HashSet<>();
        for (String name : List.copyOf(s.rooms)) {
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
        for (HubSession m : room.members()) {
            if (m == session) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> members(String name) {
        Set<String> ids = new TreeSet<>();
        Room room = rooms.get(name);
        if (room != null) {
            for (HubSession m : room.members()) {
                ids.add(m.id());
            }
        }
        try {
            ids.addAll(hub.broker().remoteMembers(name));
        } catch (RuntimeException e) {
            hub.counters().error(ErrorKind.BROKER, null, "remoteMembers: " + e);
        }
        return List.copyOf(ids);
    }

    @Override
    public Collection<Session> localMembers(String name) {
        Room room = rooms.get(name);
        return room == null ? List.of() : List.of(room.members());
    }

    @Override
    public Set<String> names() {
        return Set.copyOf(rooms.keySet());
    }

    int count() {
        return rooms.size();
    }

    @Override
    public int broadcast(String name, Frame frame, Session except) {
        Objects.requireNonNull(frame, "frame");
        requireName(name);
        String exceptId = except == null ? null : except.id();
        int queued = deliverLocal(name, frame, exceptId);
        hub.publish(() -> hub.broker().publishRoom(name, frame, exceptId));
        return queued;
    }

    /** Offers the frame to the room's local members but one; the fan-out of every room message. */
    int deliverLocal(String name, Frame frame, String exceptId) {
        Room room = rooms.get(name);
        if (room == null) {
            return 0;
        }
        HubSession[] members = room.members();
        boolean dispatch = members.length > DefaultHub.DISPATCH_THRESHOLD;
        int queued = 0;
        for (HubSession m : members) {
            if (!m.id().equals(exceptId) && m.offer(frame, dispatch) == SendResult.QUEUED) {
                queued++;
            }
        }
        return queued;
    }

    private void publishMembership(Runnable brokerCall) {
        hub.publish(brokerCall);
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("room name must be a non-empty string, was " + (name == null ? "null" : "empty"));
        }
    }
}
