package io.wshub.internal;

import io.wshub.OverflowPolicy;

/**
 * How one message is queued for its recipients, decided once per send or fan-out
 * ({@link Deliveries}) and shared by every recipient's queue: what a full queue does with it and,
 * for a conflating policy, the key a newer message replaces it by. A queue that is given none applies
 * the hub's overflow policy.
 *
 * @param overflow what a full queue does with the message
 * @param key      the conflation key (room, rule and field value), or null when it conflates with nothing
 */
record Delivery(OverflowPolicy overflow, String key) {

    private static final Delivery DISCONNECT = new Delivery(OverflowPolicy.DISCONNECT, null);
    private static final Delivery DROP_NEWEST = new Delivery(OverflowPolicy.DROP_NEWEST, null);
    private static final Delivery DROP_OLDEST = new Delivery(OverflowPolicy.DROP_OLDEST, null);

    /** A delivery without a key: one of three shared instances, so a fan-out allocates nothing for it. */
    static Delivery of(OverflowPolicy overflow) {
        return switch (overflow) {
            case DISCONNECT -> DISCONNECT;
            case DROP_NEWEST -> DROP_NEWEST;
            case DROP_OLDEST -> DROP_OLDEST;
        };
    }
}
