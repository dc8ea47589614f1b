package io.wshub.client;

/**
 * Hears, after every reconnect, whether the {@link RoomClient} got back everything it missed while
 * it was away: for each of its rooms, and for its inbox of private messages. Recovered means that
 * every room message (or private message) sent meanwhile is delivered to the application, once and
 * in order, before any newer one. Not recovered means some may be missing — the outage outlasted
 * the server's resume window or its history, the server restarted, or the server keeps no
 * history at all: the application should fetch afresh what it shows (the room's latest messages,
 * from wherever it keeps them; its member list, by {@link RoomClient#join joining} the room again).
 *
 * <p>Called on a client thread, before the missed messages themselves (or, when not recovered,
 * before the newer ones); must be quick and must not block. Nothing is reported on the first
 * connection, nor for a room never joined before. Member lists are never recovered: presence
 * events of the outage are not replayed.
 */
public interface RecoveryListener {

    /** Listens to nothing. */
    RecoveryListener NONE = new RecoveryListener() {
    };

    /** After a reconnect: whether the room's missed messages are delivered. */
    default void onRoomRestored(String room, boolean recovered) {
    }

    /** After a reconnect: whether the private messages sent to this client meanwhile are delivered. */
    default void onInboxRestored(boolean recovered) {
    }
}
