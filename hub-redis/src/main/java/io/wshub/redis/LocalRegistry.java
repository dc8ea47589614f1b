package io.wshub.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This node's own entries — the session ids it holds and their rooms — and the counter that
 * stamps every change. It is the truth the node writes to Redis: each change is handed to a
 * writer together with its stamp, and a full copy is written again whenever Redis lost it.
 *
 * <p>The writer runs under this object's lock, on purpose: the lock orders the stamps, and
 * handing the command to Lettuce under it puts the commands on the connection in stamp order,
 * so Redis applies them in that order too. The writer only queues the command (Lettuce never
 * blocks the caller), so the lock is held for microseconds.
 */
final class LocalRegistry {

    /** What to write to Redis for one change. */
    @FunctionalInterface
    interface Writer<T> {
        T write(Stamp stamp, List<MembershipOp> ops);
    }

    private final long incarnation;
    // All guarded by "this".
    private long version;
    /** The stamp of the last full registration handed to the writer; nothing older needs writing again. */
    private Stamp registered = new Stamp(0, 0);
    /** session id → its rooms (empty when in none). */
    private final Map<String, Set<String>> sessions = new HashMap<>();

    LocalRegistry(long incarnation) {
        this.incarnation = incarnation;
    }

    long incarnation() {
        return incarnation;
    }

    /**
     * Adds a session id and writes the change.
     *
     * @return the writer's result
     */
    synchronized <T> T claim(String id, Writer<T> writer) {
        sessions.putIfAbsent(id, new HashSet<>());
        return writer.write(next(), List.of(MembershipOp.addSession(id)));
    }

    /** Removes a session id with its memberships; writes the change if it held the id. */
    synchronized void release(String id, Writer<?> writer) {
        Set<String> rooms = sessions.remove(id);
        if (rooms == null) {
            return;
        }
        List<MembershipOp> ops = new ArrayList<>(rooms.size() + 1);
        for (String room : rooms) {
            ops.add(MembershipOp.leave(id, room));
        }
        ops.add(MembershipOp.removeSession(id));
        writer.write(next(), ops);
    }

    /**
     * Adds a membership and writes it. Ignored for an id this node does not hold: a session that
     * closed while it joined may report the join after its release, and must not linger.
     */
    synchronized void join(String id, String room, Writer<?> writer) {
        Set<String> rooms = sessions.get(id);
        if (rooms != null && rooms.add(room)) {
            writer.write(next(), List.of(MembershipOp.join(id, room)));
        }
    }

    /** Removes a membership and writes it, if there was one. */
    synchronized void leave(String id, String room, Writer<?> writer) {
        Set<String> rooms = sessions.get(id);
        if (rooms != null && rooms.remove(room)) {
            writer.write(next(), List.of(MembershipOp.leave(id, room)));
        }
    }

    /** Hands every entry, as the ops that would add it, stamped, to the writer: a full registration. */
    synchronized <T> T register(Writer<T> writer) {
        List<MembershipOp> ops = new ArrayList<>();
        sessions.forEach((id, rooms) -> {
            ops.add(MembershipOp.addSession(id));
            rooms.forEach(room -> ops.add(MembershipOp.join(id, room)));
        });
        registered = next();
        return writer.write(registered, ops);
    }

    /**
     * Whether a change with this stamp is part of a full registration written after it: Redis
     * applies commands in the order this registry hands them out, so that registration carries it.
     */
    synchronized boolean isCoveredByRegistration(Stamp stamp) {
        return !stamp.isNewerThan(registered);
    }

    synchronized int sessionCount() {
        return sessions.size();
    }

    private Stamp next() {
        return new Stamp(incarnation, ++version);
    }
}
