package io.wshub.internal;

import java.util.Arrays;

/**
 * A named set of local sessions. Membership changes under the room's lock and publish a new
 * member array, so a fan-out reads one volatile array and allocates nothing. Later, a room's
 * fan-out is where its messages get their place in the room's order (sequence numbers, history).
 */
final class Room {

    private static final HubSession[] NONE = new HubSession[0];

    final String name;
    /** Copy-on-write; replaced under the lock, read without it. */
    private volatile HubSession[] members = NONE;
    /** Set under the lock when the room emptied and left the registry; a removed room is never reused. */
    boolean removed;

    Room(String name) {
        this.name = name;
    }

    HubSession[] members() {
        return members;
    }

    /** Adds a member; the caller holds the lock. */
    boolean add(HubSession s) {
        HubSession[] current = members;
        for (HubSession m : current) {
            if (m == s) {
                return false;
            }
        }
        HubSession[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = s;
        members = next;
        return true;
    }

    /** Removes a member; the caller holds the lock. */
    boolean remove(HubSession s) {
        HubSession[] current = members;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == s) {
                HubSession[] next = new HubSession[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                members = next;
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return members.length == 0;
    }
}
