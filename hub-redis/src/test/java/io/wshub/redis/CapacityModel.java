package io.wshub.redis;

import java.util.Locale;

/**
 * How the room traffic a cluster carries grows with nodes and Redis shards: a model fed by the
 * per-message costs {@link RoomRouting} measures, for a stated mix. It counts CPU time only, which
 * is what bounds room traffic (a node's connections and memory are bounded separately, see
 * docs/scaling.md), and assumes rooms spread evenly over nodes and shards (no room hotter than a
 * shard or a node can carry alone).
 *
 * <p>Per room message (history on, the room server's default), with N nodes, S shards, members
 * placed at random so that a room of m members has members on k = N(1 − (1 − 1/N)^m) nodes:
 * <ul>
 *   <li>today's routing (every node reads every room, one Redis): each node reads it (readMicros)
 *       and delivers its share (m/N × deliveryMicros); Redis runs its script and copies it to the
 *       N nodes;</li>
 *   <li>by interest: only the k nodes read it, so a node's share is k/N reads; Redis copies it k
 *       times; with Redis Cluster the S shards share the scripts and copies.</li>
 * </ul>
 * The cluster carries the message rate at which the first of node or shard is busy: a node has
 * {@code nodeCores} cores for this, a shard one (Redis runs commands on one thread).
 *
 * <p>Arguments: {@code [members=20] [nodeCores=2] [readMicros] [deliveryMicros] [scriptMicros] [copyMicros]}.
 */
final class CapacityModel {

    /** Measured by {@link RoomRouting} (docs/scaling.md has the run). */
    static final Costs MEASURED = new Costs(2.2, 5.0, 32.5, 1.0);

    static final int[] NODES = {1, 2, 3, 5, 10, 20, 50, 100};

    private CapacityModel() {
    }

    /**
     * What one room message costs, in µs of CPU time.
     *
     * @param readMicros     a node, to read it from Redis (whether or not it has members for it)
     * @param deliveryMicros a node, per member it delivers it to
     * @param scriptMicros   Redis, to sequence and keep it (the append script)
     * @param copyMicros     Redis, per node subscribed to it
     */
    record Costs(double readMicros, double deliveryMicros, double scriptMicros, double copyMicros) {
    }

    /** The most room messages per second the cluster carries, and what bounds it. */
    record Capacity(double messagesPerSecond, boolean redisBound) {
        double deliveriesPerSecond(int members) {
            return messagesPerSecond * members;
        }
    }

    /** Nodes a room of this many members, placed at random, has members on (expected). */
    static double nodesPerRoom(int nodes, int members) {
        return nodes * (1 - Math.pow(1 - 1.0 / nodes, members));
    }

    /** Today's routing: every node reads every room message, one Redis copies it to every node. */
    static Capacity everyRoom(Costs c, int nodes, int members, int nodeCores) {
        double nodeMicros = c.readMicros + (double) members / nodes * c.deliveryMicros;
        double redisMicros = c.scriptMicros + nodes * c.copyMicros;
        return bound(nodeCores * 1e6 / nodeMicros, 1e6 / redisMicros);
    }

    /** Routing by interest, with {@code shards} Redis primaries sharing the rooms (1: standalone). */
    static Capacity byInterest(Costs c, int nodes, int shards, int members, int nodeCores) {
        double k = nodesPerRoom(nodes, members);
        double nodeMicros = k / nodes * c.readMicros + (double) members / nodes * c.deliveryMicros;
        double redisMicros = (c.scriptMicros + k * c.copyMicros) / shards;
        return bound(nodeCores * 1e6 / nodeMicros, 1e6 / redisMicros);
    }

    private static Capacity bound(double byNodes, double byRedis) {
        return byRedis < byNodes ? new Capacity(byRedis, true) : new Capacity(byNodes, false);
    }

    /** The shards this model gives N nodes in its last column: one per five nodes. */
    static int shardsFor(int nodes) {
        return Math.max(1, (nodes + 4) / 5);
    }

    /** The fewest shards with which the nodes, not Redis, bound the cluster. */
    static int shardsToBeNodeBound(Costs c, int nodes, int members, int nodeCores) {
        int shards = 1;
        while (byInterest(c, nodes, shards, members, nodeCores).redisBound()) {
            shards++;
        }
        return shards;
    }

    public static void main(String[] args) {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int cores = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Costs c = args.length > 5 ? new Costs(Double.parseDouble(args[2]), Double.parseDouble(args[3]),
                Double.parseDouble(args[4]), Double.parseDouble(args[5])) : MEASURED;
        System.out.printf(Locale.ROOT, "room messages/s the cluster carries (R: Redis-bound, N: node-bound); %d members"
                + " per room at random, %d cores per node, %s%n", members, cores, c);
        System.out.printf(Locale.ROOT, "| nodes | today (every node reads every room, 1 Redis) | by interest, 1 Redis"
                + " | by interest, 3 shards | by interest, 1 shard per 5 nodes (shards) | by interest, enough shards"
                + " (shards) | deliveries/s, enough shards |%n");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int n : NODES) {
            int enough = shardsToBeNodeBound(c, n, members, cores);
            Capacity nodeBound = byInterest(c, n, enough, members, cores);
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s (%d) | %s (%d) | %,.0f |%n", n,
                    cell(everyRoom(c, n, members, cores)), cell(byInterest(c, n, 1, members, cores)),
                    cell(byInterest(c, n, 3, members, cores)), cell(byInterest(c, n, shardsFor(n), members, cores)),
                    shardsFor(n), cell(nodeBound), enough, nodeBound.deliveriesPerSecond(members));
        }
    }

    private static String cell(Capacity c) {
        return String.format(Locale.ROOT, "%,.0f %s", c.messagesPerSecond, c.redisBound ? "R" : "N");
    }
}
