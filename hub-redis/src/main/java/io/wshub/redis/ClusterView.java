package io.wshub.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What this node knows of the other nodes' session ids and memberships: a cache that answers the
 * hub's questions without touching the network. Announcements keep it current; snapshots read
 * from Redis repair what announcements missed; a node missing from Redis' list of live nodes is
 * dropped, or, while its sessions are resumable, kept silent: its sessions only, so that private
 * messages to them reach Redis, which keeps them for the node that takes them over.
 *
 * <p>Each node's entries carry the {@link Stamp} of the newest change they hold, and nothing older
 * ever replaces something newer, whatever order announcements and snapshots arrive in.
 * Writers (the pub/sub thread and the broker's timer thread) serialise on this object's lock;
 * readers (hub threads) read the concurrent maps without it.
 */
final class ClusterView {

    /** One other node's entries. */
    private static final class NodeEntries {
        /** Guarded by the view's lock. */
        Stamp stamp;
        /** When an announcement or snapshot last touched it (nanoTime); guarded by the view's lock. */
        long seenNanos;
        /**
         * The node is gone (it stopped answering, or said goodbye) while its sessions stay resumable:
         * they are kept for {@link #nodeOf}, its rooms are not. Written under the view's lock.
         */
        volatile boolean silent;
        final Set<String> sessions = ConcurrentHashMap.newKeySet();
        /** room → its members on that node. */
        final ConcurrentHashMap<String, Set<String>> rooms = new ConcurrentHashMap<>();

        NodeEntries(Stamp stamp, long seenNanos) {
            this.stamp = stamp;
            this.seenNanos = seenNanos;
        }

        void apply(MembershipOp op) {
            switch (op.kind()) {
                case ADD_SESSION -> sessions.add(op.sessionId());
                case REMOVE_SESSION -> sessions.remove(op.sessionId());
                case JOIN -> rooms.computeIfAbsent(op.room(), r -> ConcurrentHashMap.newKeySet()).add(op.sessionId());
                case LEAVE -> rooms.computeIfPresent(op.room(), (r, ids) -> {
                    ids.remove(op.sessionId());
                    return ids.isEmpty() ? null : ids;
                });
            }
        }
    }

    /** A node's entries as read from Redis. */
    record NodeSnapshot(String node, Stamp stamp, Collection<String> sessionIds, Collection<String> memberships) {
    }

    /** node id → its entries; changed under this object's lock, read without it. */
    private final ConcurrentHashMap<String, NodeEntries> nodes = new ConcurrentHashMap<>();

    /**
     * Applies a node's announced changes, if they are newer than what is known.
     *
     * @return true when the view of that node is incomplete (it is new here, or started again)
     *         and a snapshot should be read
     */
    synchronized boolean apply(String node, Stamp stamp, List<MembershipOp> ops, long nowNanos) {
        NodeEntries entries = nodes.get(node);
        // A silent node heard from again lost its rooms here: it is read again.
        boolean incomplete = entries == null || entries.silent || stamp.incarnation() > entries.stamp.incarnation();
        if (incomplete) {
            entries = new NodeEntries(stamp, nowNanos);
            nodes.put(node, entries);
        } else if (!stamp.isNewerThan(entries.stamp)) {
            return false;
        }
        ops.forEach(entries::apply);
        entries.stamp = stamp;
        entries.seenNanos = nowNanos;
        return incomplete;
    }

    /** Replaces a node's entries with a snapshot, unless what is known is newer. */
    synchronized void replace(NodeSnapshot snapshot, long nowNanos) {
        NodeEntries known = nodes.get(snapshot.node());
        if (known != null && known.stamp.isNewerThan(snapshot.stamp())) {
            return;
        }
        NodeEntries entries = new NodeEntries(snapshot.stamp(), nowNanos);
        entries.sessions.addAll(snapshot.sessionIds());
        for (String m : snapshot.memberships()) {
            entries.apply(MembershipOp.parse(MembershipOp.Kind.JOIN, m));
        }
        nodes.put(snapshot.node(), entries);
    }

    /**
     * A node said goodbye: its rooms go; its sessions stay, silent, until a heartbeat finds that
     * they are not resumable any more ({@link #reconcile}).
     */
    synchronized void remove(String node, long incarnation) {
        NodeEntries entries = nodes.get(node);
        if (entries != null && entries.stamp.incarnation() <= incarnation) {
            silence(entries);
        }
    }

    /**
     * Compares the view with Redis' lists of live and silent nodes, read by a heartbeat sent at
     * {@code sentNanos}: silences the silent nodes and drops those neither live nor silent (unless
     * something newer than those lists was heard from them), and returns the live nodes whose
     * entries should be read.
     */
    synchronized List<String> reconcile(Map<String, Stamp> live, Set<String> silent, long sentNanos) {
        nodes.entrySet().removeIf(e -> {
            if (live.containsKey(e.getKey()) || e.getValue().seenNanos - sentNanos >= 0) {
                return false;
            }
            if (silent.contains(e.getKey())) {
                silence(e.getValue());
                return false;
            }
            return true;
        });
        List<String> stale = new ArrayList<>();
        live.forEach((node, stamp) -> {
            NodeEntries known = nodes.get(node);
            if (known == null || known.silent || stamp.isNewerThan(known.stamp)) {
                stale.add(node);
            }
        });
        return stale;
    }

    private static void silence(NodeEntries entries) {
        entries.silent = true;
        entries.rooms.clear();
    }

    /** Forgets every other node (this node has been cut off longer than entries live). */
    synchronized void clear() {
        nodes.clear();
    }

    /** The room's members on the other nodes, sorted. */
    Collection<String> members(String room) {
        TreeSet<String> ids = new TreeSet<>();
        for (NodeEntries entries : nodes.values()) {
            Set<String> members = entries.rooms.get(room);
            if (members != null) {
                ids.addAll(members);
            }
        }
        return ids;
    }

    /**
     * The node that holds a session id, or null if none is known to: a live one first, else a
     * silent one, whose session may still be taken over.
     */
    String nodeOf(String sessionId) {
        String silentHolder = null;
        for (Map.Entry<String, NodeEntries> e : nodes.entrySet()) {
            NodeEntries entries = e.getValue();
            if (entries.sessions.contains(sessionId)) {
                if (!entries.silent) {
                    return e.getKey();
                }
                silentHolder = e.getKey();
            }
        }
        return silentHolder;
    }

    /** The other live nodes known now. */
    Set<String> nodes() {
        return nodes.entrySet().stream().filter(e -> !e.getValue().silent).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }
}
