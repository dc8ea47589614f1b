package io.wshub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;
import io.wshub.client.RoomFrames.Position;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The room client's session across connections (docs/client.md): the newest resume token, the
 * session id, the rooms to be in, the positions and the messages waiting for their acks. On every
 * new connection it resumes the session ({@code ?resume=T}, then {@code resume} with the positions)
 * or joins its rooms again (with {@code since} where it knows a position), tells the
 * {@link RecoveryListener} what was recovered, and writes again what the server has not
 * acknowledged; it keeps from the application what is its own business (acks and errors of its
 * refs, duplicates, its own messages in a replay). Confined to the client's serial executor, where
 * the {@link ClientMachine} calls it and the {@link RoomClient} posts to it.
 */
final class RoomSession implements ClientProtocol {

    private static final Logger log = LoggerFactory.getLogger(RoomClient.class);
    /** How many of its own past session ids the client remembers, to know its own messages in a replay. */
    private static final int OWN_IDS = 16;
    /** Joins and leaves waiting for their answer: many more than any client has rooms. */
    private static final int CONTROL_REFS = 1_024;

    private final RecoveryListener listener;
    private final Positions positions = new Positions();
    private final Set<String> wanted = new LinkedHashSet<>();         // the rooms to be in
    private final Map<String, List<CompletableFuture<Message>>> joinWaiters = new HashMap<>();
    // Refs of our joins and leaves; bounded, for a server that never answers them.
    private final Map<String, ControlRef> controlRefs = Newest.map(CONTROL_REFS);
    private final Map<String, RestoringJoin> restoring = new HashMap<>(); // this connection's restore's joins
    private final Set<String> ownIds = Newest.set(OWN_IDS);
    private ClientMachine machine;
    private Acks acks;
    private String token;                      // the newest resume token; null: none to resume with
    private boolean welcomed;                  // a welcome came on an earlier connection: a reconnect restores
    private CompletableFuture<ObjectNode> welcome; // this connection's first frame, while awaited
    private ClientException lastLoss;

    // Written on the executor, read from any thread.
    private volatile Set<String> roomsView = Set.of();
    private volatile String sessionId;

    /** A join or leave the session sent itself, waiting for its ack or error. */
    private record ControlRef(String room, boolean join) {
    }

    /** A join sent by a restore; {@code report} when its answer goes to the recovery listener. */
    private record RestoringJoin(CompletableFuture<Void> done, boolean report) {
    }

    RoomSession(RecoveryListener listener) {
        this.listener = listener;
    }

    /** Takes the client in; before it starts. */
    void attach(ClientMachine m) {
        this.machine = m;
        this.acks = new Acks(m, m.options().sendTimeout());
    }

    Set<String> rooms() {
        return roomsView;
    }

    String sessionId() {
        return sessionId;
    }

    // ---- what the application asks (posted by the room client) ----

    void join(String room, CompletableFuture<Message> joined) {
        if (machine.state() == ClientState.CLOSED) {
            joined.completeExceptionally(new ClientClosedException("the client is closed", null));
            return;
        }
        want(room, true);
        joinWaiters.computeIfAbsent(room, r -> new ArrayList<>()).add(joined);
        Duration timeout = machine.options().sendTimeout();
        var timer = machine.schedule(timeout, () -> {
            List<CompletableFuture<Message>> waiting = joinWaiters.get(room);
            if (waiting != null && waiting.remove(joined)) {
                joined.completeExceptionally(new TimeoutException("no room_joined for " + room + " within " + timeout));
            }
        });
        joined.whenComplete((m, e) -> timer.cancel());
        // Only on the connection there is now; without one, or if it ends first, its restore joins.
        machine.sendOnConnection(withRef(RoomFrames.roomMessage("join_room", room), room, true), new CompletableFuture<>());
    }

    void leave(String room, CompletableFuture<Void> done) {
        want(room, false);
        positions.left(room);
        machine.sendOnConnection(withRef(RoomFrames.roomMessage("leave_room", room), room, false), done);
    }

    void send(ObjectNode message, CompletableFuture<Receipt> receipt) {
        if (machine.state() == ClientState.CLOSED) {
            receipt.completeExceptionally(new ClientClosedException("the client is closed", null));
            return;
        }
        String ref = acks.nextRef();
        acks.send(ref, RoomFrames.encode(message.put("ref", ref)), receipt);
    }

    // ---- the protocol, called by the client ----

    @Override
    public URI attemptUrl(URI url) {
        if (token == null) {
            return url;
        }
        String separator = url.getRawQuery() == null ? "?" : "&";
        return URI.create(url + separator + "resume=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<?> restore(RestoreContext context) {
        restoring.clear();
        acks.newConnection();
        boolean reconnect = welcomed;
        Set<String> rooms = new LinkedHashSet<>(wanted); // later joins and leaves go on this connection themselves
        welcome = new CompletableFuture<>();
        if (token == null) {
            // No session to resume: join at once; the welcome is taken in whenever it comes.
            welcome.thenAccept(this::welcomed);
            return rejoin(context, rooms, reconnect);
        }
        return welcome.thenCompose(w -> {
            welcomed(w);
            return w.path("resumed").asBoolean(false)
                    ? resume(context, w, rooms)
                    : rejoin(context, rooms, reconnect);
        });
    }

    @Override
    public boolean deliver(Message frame) {
        ObjectNode m = RoomFrames.parse(frame);
        String type = m == null ? null : RoomFrames.text(m, "type");
        if (welcome != null && !welcome.isDone()) {
            // The connection's first frame: the room server's welcome.
            welcome.complete("welcome".equals(type) ? m : RoomFrames.JSON.createObjectNode());
        }
        if (type == null) {
            return true;
        }
        return switch (type) {
            case "room_joined" -> {
                joined(m, frame);
                yield true;
            }
            case "room_message" -> newRoomMessage(m);
            case "private_message" -> newPrivateMessage(m);
            case "ack" -> !acknowledged(m);
            case "error" -> !refused(m);
            case "server_shutdown" -> {
                machine.serverLeaving(); // whatever ends the connection next, the next attempt goes elsewhere
                yield true;
            }
            default -> true;
        };
    }

    @Override
    public void lost(ClientException cause) {
        lastLoss = cause;
        welcome = null;
        restoring.clear();
    }

    @Override
    public void closed(ClientClosedException cause) {
        acks.closed(cause);
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        joinWaiters.values().forEach(waiting::addAll);
        joinWaiters.clear();
        waiting.forEach(f -> f.completeExceptionally(cause));
    }

    // ---- restoring ----

    private void welcomed(ObjectNode w) {
        String id = RoomFrames.text(w, "id");
        if (id != null) {
            sessionId = id;
            ownIds.remove(id);
            ownIds.add(id);
        }
        token = RoomFrames.text(w, "resume");
        if (!w.path("resumed").asBoolean(false)) {
            positions.inboxStarts(RoomFrames.position(w.get("inbox")));
        }
        acks.serverAcknowledges(token != null);
        welcomed = true;
    }

    /** A fresh session (or none to resume): join every room again, recovering where a position is known. */
    private CompletionStage<Void> rejoin(RestoreContext context, Set<String> rooms, boolean reconnect) {
        if (reconnect) {
            acks.sessionLost(lastLoss == null ? new ClientException("the connection ended", null) : lastLoss);
            controlRefs.clear();
            notifyInbox(false);
        }
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (String room : rooms) {
            joins.add(restoreJoin(context, room, positions.since(room), reconnect && positions.wasJoined(room)));
        }
        return CompletableFuture.allOf(joins.toArray(CompletableFuture<?>[]::new));
    }

    /** The server kept the session: tell it where we are, then take what it says was recovered. */
    private CompletionStage<Void> resume(RestoreContext context, ObjectNode w, Set<String> rooms) {
        Set<String> serverRooms = new LinkedHashSet<>();
        w.path("rooms").forEach(r -> {
            if (r.isTextual()) {
                serverRooms.add(r.textValue());
            }
        });
        ObjectNode resume = RoomFrames.message("resume");
        ObjectNode at = resume.putObject("rooms");
        for (String room : rooms) {
            Position since = positions.since(room);
            if (since != null && serverRooms.contains(room)) {
                at.set(room, RoomFrames.json(since));
            }
        }
        Position inbox = positions.inbox();
        if (inbox != null) {
            resume.set("inbox", RoomFrames.json(inbox));
        }
        return context.request(RoomFrames.encode(resume), RoomSession::isResumed)
                .thenCompose(answer -> resumed(context, RoomFrames.parse(answer), rooms, serverRooms));
    }

    private static boolean isResumed(Message frame) {
        ObjectNode m = RoomFrames.parse(frame);
        return m != null && "resumed".equals(RoomFrames.text(m, "type"));
    }

    private CompletionStage<Void> resumed(RestoreContext context, ObjectNode answer, Set<String> rooms, Set<String> serverRooms) {
        JsonNode recoveredRooms = answer.path("rooms");
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (String room : rooms) {
            if (serverRooms.contains(room)) {
                boolean recovered = recoveredRooms.path(room).asBoolean(false);
                if (!recovered) {
                    positions.lost(room);
                }
                notifyRoom(room, recovered);
                if (!recovered || joinWaiters.containsKey(room)) {
                    // A plain join tells the room's place again (and answers joins asked meanwhile).
                    joins.add(restoreJoin(context, room, null, false));
                }
            } else {
                joins.add(restoreJoin(context, room, positions.since(room), positions.wasJoined(room)));
            }
        }
        boolean inboxRecovered = answer.path("inbox").asBoolean(false);
        if (!inboxRecovered) {
            positions.inboxLost();
        }
        notifyInbox(inboxRecovered);
        for (String room : serverRooms) {
            if (!rooms.contains(room)) {
                // Left while away; after what was buffered for it.
                machine.send(withRef(RoomFrames.roomMessage("leave_room", room), room, false), new CompletableFuture<>());
            }
        }
        acks.resend(context);
        return CompletableFuture.allOf(joins.toArray(CompletableFuture<?>[]::new));
    }

    private CompletableFuture<Void> restoreJoin(RestoreContext context, String room, Position since, boolean report) {
        ObjectNode join = RoomFrames.roomMessage("join_room", room);
        if (since != null) {
            join.set("since", RoomFrames.json(since));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        restoring.put(room, new RestoringJoin(done, report));
        context.send(withRef(join, room, true));
        return done;
    }

    // ---- what comes in ----

    private void joined(ObjectNode m, Message frame) {
        String room = RoomFrames.text(m, "room");
        if (room == null) {
            return;
        }
        JsonNode recovered = m.get("recovered");
        positions.joined(room, RoomFrames.position(m), recovered != null && recovered.isBoolean() ? recovered.booleanValue() : null);
        RestoringJoin restored = restoring.remove(room);
        if (restored != null) {
            if (restored.report()) {
                notifyRoom(room, recovered != null && recovered.asBoolean(false));
            }
            restored.done().complete(null);
        }
        List<CompletableFuture<Message>> waiting = joinWaiters.remove(room);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(frame));
        }
    }

    /** Whether the application gets this room message: not a duplicate, and not one of its own in a replay. */
    private boolean newRoomMessage(ObjectNode m) {
        String room = RoomFrames.text(m, "room");
        var seq = RoomFrames.number(m, "seq");
        if (room == null || seq.isEmpty()) {
            return true;
        }
        if (!positions.admitRoomMessage(room, seq.getAsLong())) {
            return false;
        }
        String from = RoomFrames.text(m, "from");
        return from == null || !ownIds.contains(from); // live, the server never sends us our own
    }

    private boolean newPrivateMessage(ObjectNode m) {
        var seq = RoomFrames.number(m, "seq");
        return seq.isEmpty() || positions.admitPrivateMessage(seq.getAsLong());
    }

    /** Whether the ack answers one of our refs (then it is ours, not the application's). */
    private boolean acknowledged(ObjectNode m) {
        String ref = RoomFrames.ref(m);
        if (ref == null) {
            return false;
        }
        return controlRefs.remove(ref) != null || acks.acknowledged(ref, RoomFrames.number(m, "seq"));
    }

    /** Whether the error answers one of our refs (then it is ours, not the application's). */
    private boolean refused(ObjectNode m) {
        String ref = RoomFrames.ref(m);
        if (ref == null) {
            return false;
        }
        String error = String.valueOf(RoomFrames.text(m, "error"));
        ControlRef control = controlRefs.remove(ref);
        if (control != null) {
            if (control.join()) {
                joinRefused(ref, control.room(), error);
            }
            return true; // a leave of a room the server had forgotten: nothing to do
        }
        return acks.refused(ref, error);
    }

    /** A join of ours was refused: it is not tried again. */
    private void joinRefused(String ref, String room, String error) {
        RestoringJoin restored = restoring.remove(room);
        List<CompletableFuture<Message>> waiting = joinWaiters.remove(room);
        log.warn("the server refused to join {}: {}", room, error);
        want(room, false);
        positions.left(room);
        if (restored != null) {
            restored.done().complete(null);
        }
        if (waiting != null) {
            MessageRejectedException refusal = new MessageRejectedException(ref, error);
            waiting.forEach(f -> f.completeExceptionally(refusal));
        }
    }

    // ---- helpers ----

    private Message withRef(ObjectNode message, String room, boolean join) {
        String ref = acks.nextRef();
        controlRefs.put(ref, new ControlRef(room, join));
        return RoomFrames.encode(message.put("ref", ref));
    }

    private void want(String room, boolean in) {
        if (in ? wanted.add(room) : wanted.remove(room)) {
            roomsView = Set.copyOf(new HashSet<>(wanted));
        }
    }

    private void notifyRoom(String room, boolean recovered) {
        try {
            listener.onRoomRestored(room, recovered);
        } catch (RuntimeException e) {
            log.warn("recovery listener failed", e);
        }
    }

    private void notifyInbox(boolean recovered) {
        try {
            listener.onInboxRestored(recovered);
        } catch (RuntimeException e) {
            log.warn("recovery listener failed", e);
        }
    }
}
