package io.wshub.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The room channels this node subscribes to: a room's channel carries its messages and presence,
 * and a node reads it only while it needs it, so that a node reads none of the messages of rooms it
 * has no member in.
 *
 * <p>A room is wanted from the moment a join reads its position ({@link #read}), or waits for it
 * without a read ({@link #ready}), and while it has local members ({@link #joined}, {@link #left}).
 * A join therefore subscribes before it reads the room's position, and the position is read only
 * once the subscription stands: every message after the position is published after the
 * subscription, so it comes, and what comes at or before the position the hub skips. Without room
 * history the join's reply waits for the subscription alone: every message published after the
 * reply comes. A room with no member left stays subscribed for {@code linger} before it is
 * unsubscribed ({@link #sweep}): that covers the step between a join's read (or wait) and its
 * membership, and rooms whose members come and go.
 *
 * <p>Subscribing and unsubscribing are decided and handed to the connection under this object's
 * lock, so they reach Redis in the order they were decided: a subscribe decided after an
 * unsubscribe of the same channel leaves it subscribed.
 */
final class RoomSubscriptions {

    /** The pub/sub connection's side: both hand the command over at once and never wait. */
    interface Channels {
        /** Subscribes; completes when Redis confirmed it, exceptionally when it could not be sent or failed. */
        CompletableFuture<Void> subscribe(String channel);

        /** Unsubscribes; false when it could not be sent (no connection): it is tried again later. */
        boolean unsubscribe(String channel);
    }

    /** One wanted room. All fields guarded by the enclosing object. */
    private static final class Entry {
        final String channel;
        final Set<String> members = new HashSet<>();
        CompletableFuture<Void> subscribed;
        /** When it last had a read or lost its last member (nanoTime). */
        long idleSince;

        Entry(String channel) {
            this.channel = channel;
        }
    }

    private final Channels channels;
    private final Function<String, String> channelOf;
    private final long lingerNanos;
    private final LongSupplier clock;
    // Both guarded by this.
    private final Map<String, Entry> rooms = new HashMap<>();
    /** session id → the rooms it is in here. */
    private final Map<String, Set<String>> roomsOf = new HashMap<>();

    /**
     * @param channelOf a room's channel
     * @param lingerNanos how long a room without members stays subscribed
     * @param clock       nanoTime
     */
    RoomSubscriptions(Channels channels, Function<String, String> channelOf, long lingerNanos, LongSupplier clock) {
        this.channels = channels;
        this.channelOf = channelOf;
        this.lingerNanos = lingerNanos;
        this.clock = clock;
    }

    /**
     * Reads the room for a join or a resume once its subscription stands: subscribes first unless
     * it is already, and starts the read only when Redis confirmed the subscription. The room
     * lingers from the read's end.
     *
     * @return the read's answer; failed without a read when the subscription failed
     */
    <T> CompletionStage<T> read(String room, Supplier<CompletionStage<T>> read) {
        return want(room).thenCompose(subscribed -> read.get()).whenComplete((answer, error) -> want(room));
    }

    /**
     * Completes once the room's subscription stands, for a join that reads nothing (room history
     * off): the same wait as {@link #read}'s, without a read. The room lingers from then.
     */
    CompletionStage<Void> ready(String room) {
        return read(room, () -> CompletableFuture.completedFuture(null));
    }

    /** Subscribes to the room unless it is already, and starts its linger again; completes when it stands. */
    private synchronized CompletableFuture<Void> want(String room) {
        Entry e = entry(room);
        e.idleSince = clock.getAsLong();
        return e.subscribed;
    }

    /** A local session joined the room; subscribes to it unless it is already. */
    synchronized void joined(String room, String sessionId) {
        entry(room).members.add(sessionId);
        roomsOf.computeIfAbsent(sessionId, id -> new HashSet<>()).add(room);
    }

    /** Keeps the room subscribed whatever its members, from the first connection on. */
    synchronized void pin(String room) {
        entry(room).members.add(""); // session ids are never empty
    }

    /** A local session left the room; the room lingers when it was the last. */
    synchronized void left(String room, String sessionId) {
        Set<String> of = roomsOf.get(sessionId);
        if (of != null && of.remove(room) && of.isEmpty()) {
            roomsOf.remove(sessionId);
        }
        Entry e = rooms.get(room);
        if (e != null && e.members.remove(sessionId) && e.members.isEmpty()) {
            e.idleSince = clock.getAsLong();
        }
    }

    /** A local session ended: it leaves whatever rooms it is still in here. */
    synchronized void released(String sessionId) {
        Set<String> of = roomsOf.get(sessionId);
        if (of != null) {
            for (String room : List.copyOf(of)) {
                left(room, sessionId);
            }
        }
    }

    /**
     * Unsubscribes the rooms that have had no member and no read for the linger time; one whose
     * unsubscribe could not be sent stays, and is tried again at the next sweep. Timer thread.
     */
    synchronized void sweep() {
        long nowNanos = clock.getAsLong();
        for (Iterator<Entry> it = rooms.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.members.isEmpty() && nowNanos - e.idleSince >= lingerNanos && channels.unsubscribe(e.channel)) {
                it.remove();
            }
        }
    }

    /**
     * Subscribes every wanted room again, after the subscription connection was (re)established:
     * those it held are resubscribed by Lettuce already (harmless), those that failed now stand.
     *
     * @return completes when every one stands
     */
    synchronized CompletableFuture<Void> resubscribe() {
        List<CompletableFuture<Void>> all = new ArrayList<>(rooms.size());
        for (Entry e : rooms.values()) {
            e.subscribed = channels.subscribe(e.channel);
            all.add(e.subscribed);
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
    }

    /** How many room channels the node subscribes to now. */
    synchronized int count() {
        return rooms.size();
    }

    /** Whether the node subscribes to the room's channel now. */
    synchronized boolean isSubscribed(String room) {
        return rooms.containsKey(room);
    }

    /** The room's entry, subscribing to it when it is new or its last subscription failed. */
    private Entry entry(String room) {
        Entry e = rooms.computeIfAbsent(room, r -> new Entry(channelOf.apply(r)));
        if (e.subscribed == null || e.subscribed.isCompletedExceptionally()) {
            e.subscribed = channels.subscribe(e.channel);
        }
        return e;
    }
}
