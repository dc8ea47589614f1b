package io.wshub.internal;

import java.util.Arrays;

/**
 * Copy-on-write arrays of sessions, the shape every fan-out reads: a room's members, a stripe of
 * the hub's visible sessions. A change makes a new array under its owner's lock and publishes it
 * through a volatile field, so a fan-out reads one array and allocates nothing.
 */
final class SessionArrays {

    static final HubSession[] NONE = new HubSession[0];

    private SessionArrays() {
    }

    /** The array with the session added at the end, or the same array when it is there already. */
    static HubSession[] with(HubSession[] current, HubSession s) {
        for (HubSession m : current) {
            if (m == s) {
                return current;
            }
        }
        HubSession[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = s;
        return next;
    }

    /** The array without the session, or the same array when it is not there. */
    static HubSession[] without(HubSession[] current, HubSession s) {
        for (int i = 0; i < current.length; i++) {
            if (current[i] == s) {
                HubSession[] next = new HubSession[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                return next;
            }
        }
        return current;
    }
}
