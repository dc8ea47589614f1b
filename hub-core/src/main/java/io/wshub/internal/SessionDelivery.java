package io.wshub.internal;

import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.Resumption;
import io.wshub.SendResult;
import io.wshub.spi.DeliveryStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a session keeps for resume, with the resume window on: its resume token, its inbox of
 * private messages, and the gate that holds its traffic back while a new connection takes it up
 * (docs/protocol.md, "Resume").
 *
 * <p>The gate. When a resume opens, everything offered to the session waits here ({@link Gate#ALL})
 * but what the application's {@code onResumed} sends itself (the resumed welcome, first); after it,
 * hub-wide traffic flows and the session's room traffic and inbox wait ({@link Gate#ROOMS}) until
 * the client says where it left off ({@link #finish}) or the handshake timeout passes. Then come the
 * answer, the replays of what it missed, what waited here less what the replays carried, and live
 * traffic, in that order: the waiting traffic is queued and the gate opened under this object's
 * lock, which every gated offer takes, so nothing live overtakes it.
 *
 * <p>Lock order: a room's lock, then this one (a fan-out to a gated member), then the writer's; this
 * one never takes a room's. Offers under it hand their writes to the flush executor, so no I/O
 * happens under it.
 */
final class SessionDelivery {

    /** What is held back. */
    enum Gate {
        /** Nothing: every offer goes to the writer. */
        OPEN,
        /** Everything but the sends of the thread running {@code onResumed}. */
        ALL,
        /** Room traffic and the inbox; hub-wide traffic flows. */
        ROOMS
    }

    /** Where an offer comes from, which decides whether it waits. */
    enum Kind {
        /** Hub-wide traffic and the application's own sends. */
        HUB,
        /** A room's messages and presence. */
        ROOM,
        /** A private message, with its inbox seq. */
        INBOX
    }

    /** An offer held back by the gate. */
    private record Waiting(Kind kind, String room, long seq, Message frame) {
    }

    private final DeliveryStore store;
    private final String sessionId;
    /** The inbox, or null when it is off; appended and read under this object's lock. */
    private final History inbox;
    private final int maxWaitingMessages;
    private final long maxWaitingBytes;
    /** Written under the lock, read without it on the hot paths. */
    private volatile Gate gate = Gate.OPEN;

    // Guarded by "this".
    private String token;
    /** The thread running the application's onResumed: its sends pass the gate. */
    private Thread resuming;
    private List<Waiting> waiting;
    private int waitingMessages;
    private long waitingBytes;
    /** Builds the answer to the client's resume; set while one is awaited. */
    private Function<Resumption, Message> answer;
    private long awaitingSinceNanos;
    private boolean discarded;

    SessionDelivery(DeliveryStore store, String sessionId, History inbox, int maxWaitingMessages, long maxWaitingBytes) {
        this.store = store;
        this.sessionId = sessionId;
        this.inbox = inbox;
        this.maxWaitingMessages = maxWaitingMessages;
        this.maxWaitingBytes = maxWaitingBytes;
    }

    /** Issues the token of the connection that opens now; it replaces the last one. */
    synchronized String issueToken() {
        token = store.issueToken(sessionId);
        return token;
    }

    synchronized String token() {
        return token;
    }

    /** The inbox's epoch and latest seq, or null when the inbox is off. */
    synchronized Position inboxPosition() {
        return inbox == null ? null : inbox.position();
    }

    /** Whether {@link Session#send}s of this thread go straight to the writer. */
    boolean sendsPass() {
        Gate g = gate;
        return g != Gate.ALL || (g == Gate.ALL && isResumingThread());
    }

    private synchronized boolean isResumingThread() {
        return resuming == Thread.currentThread();
    }

    /**
     * Offers a frame, or holds it back while the gate says so.
     *
     * @return what the writer said, {@link SendResult#QUEUED} when held back, or
     *         {@link SendResult#CLOSED} when what waits is over the queue's limits ({@code overflowed}
     *         then runs, after the lock)
     */
    SendResult offer(Kind kind, String room, long seq, Message frame, SessionWriter writer, boolean dispatch, long now,
                     Runnable overflowed) {
        if (gate == Gate.OPEN) {
            return writer.offer(frame, dispatch, now);
        }
        boolean over;
        synchronized (this) {
            if (passes(kind)) {
                return writer.offer(frame, true, now); // under the lock: after what waited, never before
            }
            over = !hold(kind, room, seq, frame);
        }
        if (over) {
            overflowed.run();
            return SendResult.CLOSED;
        }
        return SendResult.QUEUED;
    }

    /**
     * A private message: takes the inbox's next seq, then goes to the writer, or waits behind the
     * gate, or, while the session is held, stays in the inbox alone.
     */
    SendResult deliverPrivate(Positioned message, boolean held, SessionWriter writer, long now, Runnable overflowed) {
        boolean over;
        synchronized (this) {
            if (discarded) {
                return SendResult.CLOSED; // it ended as this was sent
            }
            Message frame = inbox == null ? message.unpositioned() : inbox.append(message, now);
            if (held) {
                return inbox == null ? SendResult.CLOSED : SendResult.QUEUED;
            }
            if (passes(Kind.INBOX)) {
                return writer.offer(frame, true, now);
            }
            over = !hold(Kind.INBOX, null, inbox == null ? 0 : inbox.lastSeq(), frame);
        }
        if (over) {
            overflowed.run();
            return SendResult.CLOSED;
        }
        return SendResult.QUEUED;
    }

    private boolean passes(Kind kind) {
        return gate == Gate.OPEN || (gate == Gate.ROOMS && kind == Kind.HUB);
    }

    /** Holds an offer back; false when that would pass the queue's limits (the session overflowed). */
    private boolean hold(Kind kind, String room, long seq, Message frame) {
        if (waiting == null) {
            waiting = new ArrayList<>();
        }
        if (frame.presenceKey() == null && waitingMessages >= maxWaitingMessages
                || waitingBytes + frame.size() > maxWaitingBytes && !waiting.isEmpty()) {
            return false;
        }
        waiting.add(new Waiting(kind, room, seq, frame));
        waitingBytes += frame.size();
        if (frame.presenceKey() == null) {
            waitingMessages++;
        }
        return true;
    }

    /** A resume opens on a new connection: everything waits until its {@code onResumed} returns. */
    synchronized void closeGate() {
        gate = Gate.ALL;
        resuming = Thread.currentThread();
        answer = null;
    }

    /**
     * From {@code onResumed}: the client will say where it left off; until then its rooms and inbox wait.
     *
     * @return false when called anywhere else (nothing is awaited then)
     */
    synchronized boolean await(Function<Resumption, Message> answerBuilder) {
        if (gate != Gate.ALL || resuming != Thread.currentThread()) {
            return false;
        }
        answer = answerBuilder;
        return true;
    }

    /**
     * {@code onResumed} returned: hub-wide traffic flows now, and room traffic too unless a resume
     * is awaited.
     */
    synchronized void resumedHandled(SessionWriter writer, long now) {
        resuming = null;
        if (answer == null) {
            release(writer, Map.of(), 0, false, now);
            return;
        }
        awaitingSinceNanos = now;
        gate = Gate.ROOMS;
        List<Waiting> held = waiting;
        waiting = null;
        waitingMessages = 0;
        waitingBytes = 0;
        if (held != null) {
            for (Waiting w : held) {
                if (w.kind() == Kind.HUB) {
                    writer.offer(w.frame(), true, now);
                } else {
                    hold(w.kind(), w.room(), w.seq(), w.frame());
                }
            }
        }
    }

    /** Takes the answer builder of an awaited resume, or null when none is awaited (none was, or it came already). */
    synchronized Function<Resumption, Message> takeAnswer() {
        Function<Resumption, Message> a = answer;
        answer = null;
        return a;
    }

    /** Whether a resume has been awaited longer than the timeout. */
    synchronized boolean awaitedLongerThan(long now, long timeoutNanos) {
        return answer != null && now - awaitingSinceNanos > timeoutNanos;
    }

    /**
     * The client said where it left off (or the wait is over): queues the answer, then what the
     * recovered rooms and the inbox missed, then what waited less what the replays carried, and opens
     * the gate.
     *
     * @param rooms   every room the session is in, recovered or not, in the answer's order
     * @param replays each recovered room's missed messages and the seq they run up to
     * @param inboxAt where the client's inbox left off, or null
     */
    synchronized void finish(Function<Resumption, Message> answerBuilder, Map<String, Boolean> rooms,
                             Map<String, RoomRegistry.Replay> replays, Position inboxAt, SessionWriter writer, long now) {
        List<Message> inboxReplay = inbox == null || inboxAt == null ? null : inbox.after(inboxAt, now);
        writer.offer(answerBuilder.apply(new Resumption(rooms, inboxReplay != null)), true, now);
        replays.values().forEach(r -> writer.offerReplayed(r.missed(), now));
        if (inboxReplay != null) {
            writer.offerReplayed(inboxReplay, now);
        }
        release(writer, replays, inboxReplay == null ? 0 : inbox.lastSeq(), inboxReplay != null, now);
    }

    /** Queues what waited, less what the replays carried (up to their seqs), and opens the gate. */
    private void release(SessionWriter writer, Map<String, RoomRegistry.Replay> replays, long inboxUpTo,
                         boolean inboxReplayed, long now) {
        List<Waiting> held = waiting;
        waiting = null;
        waitingMessages = 0;
        waitingBytes = 0;
        gate = Gate.OPEN;
        if (held == null) {
            return;
        }
        for (Waiting w : held) {
            RoomRegistry.Replay replay = w.kind() == Kind.ROOM ? replays.get(w.room()) : null;
            boolean carried = w.seq() > 0 && (replay != null && w.seq() <= replay.upTo()
                    || w.kind() == Kind.INBOX && inboxReplayed && w.seq() <= inboxUpTo);
            if (!carried) {
                writer.offer(w.frame(), true, now);
            }
        }
    }

    /**
     * The connection ended and the session is held: what waited for a resume of the connection
     * before is forgotten (the histories have it), and nothing waits while nothing is written.
     */
    synchronized void connectionLost() {
        waiting = null;
        waitingMessages = 0;
        waitingBytes = 0;
        answer = null;
        resuming = null;
        gate = Gate.OPEN;
    }

    /** Forgets the inbox's oldest messages past its age limit. */
    synchronized void trim(long now) {
        if (inbox != null) {
            inbox.trim(now);
        }
    }

    /** The session ended: its token goes, its inbox and what waited are forgotten. */
    synchronized void discard() {
        discarded = true;
        store.revokeToken(sessionId);
        token = null;
        if (inbox != null) {
            inbox.discard();
        }
        waiting = null;
        answer = null;
        gate = Gate.OPEN;
    }
}
