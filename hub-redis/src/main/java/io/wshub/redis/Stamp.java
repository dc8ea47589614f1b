package io.wshub.redis;

/**
 * The version of one node's entries (its session ids and memberships): which start of the node
 * ({@code incarnation}, its start time in milliseconds) and how many changes it has made since
 * ({@code version}). A node writes its entries to Redis and announces each change with the stamp
 * after it, in one order, so the newer of two stamps always describes the newer state.
 */
record Stamp(long incarnation, long version) implements Comparable<Stamp> {

    @Override
    public int compareTo(Stamp o) {
        int c = Long.compare(incarnation, o.incarnation);
        return c != 0 ? c : Long.compare(version, o.version);
    }

    boolean isNewerThan(Stamp o) {
        return compareTo(o) > 0;
    }
}
