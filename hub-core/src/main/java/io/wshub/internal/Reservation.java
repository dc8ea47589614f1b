package io.wshub.internal;

import io.wshub.Handshake;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An admitted upgrade: holds a session id and a connection slot until the transport opens the
 * connection, abandons it, or the handshake timeout passes. A resume's reservation names the
 * session it takes back, which holds the id and the slot already.
 */
final class Reservation implements Admission.Accepted {

    private static final int PENDING = 0;
    private static final int OPENED = 1;
    private static final int ENDED = 2;

    private final DefaultHub hub;
    private final String id;
    final Handshake handshake;
    final Principal principal;
    final long createdNanos;
    private final long maxMessageBytes;
    /** The held (or half-open) session this upgrade resumes, or null for a new session. */
    final HubSession resumes;
    /** The rooms of a session this upgrade took over from another node, or null. */
    final List<String> transferredRooms;
    private final AtomicInteger state = new AtomicInteger(PENDING);

    Reservation(DefaultHub hub, String id, Handshake handshake, Principal principal, long createdNanos,
                long maxMessageBytes, HubSession resumes) {
        this(hub, id, handshake, principal, createdNanos, maxMessageBytes, resumes, null);
    }

    /** A reservation for a session taken over from another node, with the rooms it is in. */
    Reservation(DefaultHub hub, String id, Handshake handshake, Principal principal, long createdNanos,
                long maxMessageBytes, HubSession resumes, List<String> transferredRooms) {
        this.hub = hub;
        this.transferredRooms = transferredRooms;
        this.resumes = resumes;
        this.maxMessageBytes = maxMessageBytes;
        this.id = id;
        this.handshake = handshake;
        this.principal = principal;
        this.createdNanos = createdNanos;
    }

    @Override
    public String sessionId() {
        return id;
    }

    @Override
    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public long maxStreamBytes() {
        return hub.maxStreamBytes();
    }

    @Override
    public boolean neverBlocks() {
        return hub.neverBlocks();
    }

    @Override
    public ConnectionListener open(Connection connection) {
        if (!state.compareAndSet(PENDING, OPENED)) {
            // Expired or abandoned: its id may belong to someone else by now.
            return new RefusedConnection(connection, RefusedConnection.HANDSHAKE_TIMEOUT);
        }
        return hub.open(this, connection);
    }

    @Override
    public void abandon() {
        if (state.compareAndSet(PENDING, ENDED)) {
            hub.reservationEnded(this);
        }
    }

    /** Releases the reservation if it has waited longer than the timeout; true if it did. */
    boolean expireIfOlderThan(long nowNanos, long timeoutNanos) {
        if (nowNanos - createdNanos > timeoutNanos && state.compareAndSet(PENDING, ENDED)) {
            hub.reservationEnded(this);
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "Reservation[" + id + "]";
    }
}
