package io.wshub.spi;

import io.wshub.HistoryLimits;

import java.util.List;

/**
 * Where a hub keeps what its delivery guarantees rest on (docs/protocol.md, "Delivery guarantees"):
 * the history of each room, the inbox of each session, the refs each session's messages were
 * handled with, and the tokens that resume sessions. The default, {@link io.wshub.InMemoryDeliveryStore},
 * keeps them in this node's memory, so they last as long as the process; a store that keeps them
 * elsewhere lets them outlive it.
 *
 * <p>The hub asks for a history when a room is created and for an inbox and a ledger when a session
 * opens, holds them for as long as the room or the session lives, and discards them at its end.
 * Every method is called on hub threads, some under the hub's locks: quick, never blocking on the
 * network, never throwing for a runtime condition.
 */
public interface DeliveryStore {

    /** A new history, with an epoch of its own, for a room that was just created. */
    MessageLog roomHistory(String room, HistoryLimits limits);

    /** A new inbox, with an epoch of its own, for a session that just opened. */
    MessageLog inbox(String sessionId, HistoryLimits limits);

    /** A new ledger of the refs a session's messages are handled with, remembering the latest {@code window}. */
    RefLedger refs(String sessionId, int window);

    /**
     * Issues a resume token for the session: at least 128 random bits, as at most 64 characters of
     * {@code [A-Za-z0-9_-]}. It replaces any token issued for that session before.
     */
    String issueToken(String sessionId);

    /** The session this token resumes, or null when it is unknown (never issued, replaced or revoked). */
    String sessionOf(String token);

    /** Revokes the session's token, if it has one: the session ended. */
    void revokeToken(String sessionId);

    /**
     * Takes over a session that another node of the cluster holds (held for resume, or still open
     * on a connection its client gave up on), for a resume token {@link #sessionOf} does not know:
     * the token is used up, the other node lets the session go (it closes the old connection with
     * 1000 and forgets the session without a word to its rooms), and this node holds its id from now
     * on. Called at admission, on the upgrade's thread: like {@link Broker#claimSessionId} it may
     * wait on the network, briefly and bounded, and fails (null) while the cluster is unreachable.
     * A store of one node knows no other node: null, the default.
     *
     * @param sessionId the session the credentials name, which the token's must be; null for any
     * @return the session taken over, or null (the token is unknown, used, expired or another
     *         session's): the upgrade goes on as a fresh session
     */
    default Transfer takeOver(String token, String sessionId) {
        return null;
    }

    /**
     * A session this store took over ({@link #takeOver}) is open on this node, and found here: the
     * private messages sent to it from now on reach it. A store that kept some for it while it moved
     * hands them on now, through the broker's {@link Broker.Delivery}, before any sent later.
     * Called once, on the upgrade's thread, after the application's {@code onResumed}; must not
     * block. Nothing to do by default.
     */
    default void transferOpened(String sessionId) {
    }

    /**
     * Whether the sessions this store holds outlive this node: when true, a graceful shutdown hands
     * the sessions it holds for resume over to the store (their rooms, tokens and inboxes stay, for
     * the resume window from the shutdown, and nobody is told they left), so that their clients
     * resume them on another node; when false, the default, the shutdown ends them, as nothing
     * could resume them any more.
     */
    default boolean outlivesNode() {
        return false;
    }

    /**
     * A session taken over from another node: its id and the rooms it is in. The hub puts it back
     * into its rooms without telling anyone, and its client resumes it as it would on the node it left.
     */
    record Transfer(String sessionId, List<String> rooms) {
        /** Copies the rooms. */
        public Transfer {
            rooms = List.copyOf(rooms);
        }
    }
}
