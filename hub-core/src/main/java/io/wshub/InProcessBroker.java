package io.wshub;

import io.wshub.spi.Broker;
import io.wshub.spi.TracedBroker;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The default broker: links hubs that live in the same JVM. A hub built without a broker gets a
 * standalone one (a cluster of one node, so publishing reaches no one else). Hubs given brokers of
 * the same {@link Cluster} behave as the nodes of a real cluster would: broadcasts, room messages
 * and private messages cross between them, and session ids and room member lists are
 * cluster-wide, and a publication's trace context reaches the other nodes with it. Useful to test
 * multi-node behaviour without a Redis server.
 */
public final class InProcessBroker extends TracedBroker {

    /** A group of in-process nodes. */
    public static final class Cluster {
        private final List<InProcessBroker> nodes = new CopyOnWriteArrayList<>();
        /** id → the node holding it. */
        private final ConcurrentHashMap<String, InProcessBroker> claimedIds = new ConcurrentHashMap<>();

        /** A broker for one more node of this cluster. */
        public InProcessBroker newNode() {
            return new InProcessBroker(this);
        }
    }

    private final Cluster cluster;
    /** room → ids of this node's members. */
    private final ConcurrentHashMap<String, Set<String>> localRooms = new ConcurrentHashMap<>();
    private volatile Delivery delivery;

    /** A standalone broker: a single node. */
    public InProcessBroker() {
        this(new Cluster());
    }

    private InProcessBroker(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void start(Delivery delivery) {
        this.delivery = delivery;
        cluster.nodes.add(this);
    }

    @Override
    public void stop() {
        cluster.nodes.remove(this);
    }

    @Override
    public void publishBroadcast(Message frame, String exceptSessionId, Map<String, String> traceContext) {
        for (InProcessBroker node : cluster.nodes) {
            if (node != this) {
                node.delivery.deliverBroadcast(frame, exceptSessionId, traceContext);
            }
        }
    }

    @Override
    public void publishRoom(String room, Message frame, String exceptSessionId, Map<String, String> traceContext) {
        for (InProcessBroker node : cluster.nodes) {
            if (node != this && node.localRooms.containsKey(room)) {
                node.delivery.deliverRoom(room, frame, exceptSessionId, traceContext);
            }
        }
    }

    @Override
    public boolean publishPrivate(String sessionId, Message frame, Map<String, String> traceContext) {
        for (InProcessBroker node : cluster.nodes) {
            if (node != this && node.delivery.deliverPrivate(sessionId, frame, traceContext)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean claimSessionId(String sessionId) {
        return cluster.claimedIds.putIfAbsent(sessionId, this) == null;
    }

    @Override
    public void releaseSessionId(String sessionId) {
        cluster.claimedIds.remove(sessionId, this); // only this node's own claim
    }

    @Override
    public void roomJoined(String room, String sessionId) {
        localRooms.compute(room, (r, ids) -> {
            Set<String> members = ids == null ? ConcurrentHashMap.newKeySet() : ids;
            members.add(sessionId);
            return members;
        });
    }

    @Override
    public void roomLeft(String room, String sessionId) {
        localRooms.computeIfPresent(room, (r, ids) -> {
            ids.remove(sessionId);
            return ids.isEmpty() ? null : ids;
        });
    }

    @Override
    public Collection<String> remoteMembers(String room) {
        Set<String> ids = new TreeSet<>();
        for (InProcessBroker node : cluster.nodes) {
            if (node != this) {
                ids.addAll(node.localRooms.getOrDefault(room, Set.of()));
            }
        }
        return ids;
    }
}
