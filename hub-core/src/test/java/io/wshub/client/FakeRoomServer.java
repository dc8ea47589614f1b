package io.wshub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.CloseStatus;
import io.wshub.testing.ScriptedConnection;
import io.wshub.testing.ScriptedTransport;

import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The room server of docs/protocol.md, with or without its delivery guarantees (positions and
 * epochs, recovery with {@code since}, sessions held across cuts and taken back with
 * {@code ?resume=T} and {@code resume}, acks with dedupe), played on a {@link ScriptedTransport}
 * and the test's thread: {@link #settle()} accepts the client's attempts and answers everything it
 * wrote, until nothing is left to do. Other members are bots: sessions without a connection that
 * the test makes speak ({@link #botSays}). Windows never end by themselves: {@link #expire} ends one.
 */
final class FakeRoomServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScriptedTransport transport;
    private final boolean delivery;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Map<String, Session> byToken = new HashMap<>();
    private final Map<String, Room> rooms = new HashMap<>();
    private int seenAttempts;
    private int serial;
    private boolean down;
    private int historyLimit = 1_000;
    private int repeatedRefs;

    /** One session: live on a connection, or held (no connection) until resumed or expired. */
    final class Session {
        final String id;
        final boolean bot;
        final Set<String> rooms = new TreeSet<>();
        final List<ObjectNode> inbox = new ArrayList<>();
        final Map<String, ObjectNode> handled = new HashMap<>(); // ref → its ack
        String inboxEpoch;
        long inboxSeq;
        String token;
        ScriptedConnection connection;
        int read;
        boolean awaitingResume;
        boolean losesReplies;

        Session(String id, boolean bot) {
            this.id = id;
            this.bot = bot;
        }
    }

    /** One room with its history. */
    static final class Room {
        final String epoch;
        final List<ObjectNode> history = new ArrayList<>();
        final Set<Session> members = new LinkedHashSet<>();
        long seq;

        Room(String epoch) {
            this.epoch = epoch;
        }

        long firstKept() {
            return history.isEmpty() ? seq + 1 : history.get(0).get("seq").asLong();
        }
    }

    private FakeRoomServer(ScriptedTransport transport, boolean delivery) {
        this.transport = transport;
        this.delivery = delivery;
    }

    /** A room server with resume, history and acks. */
    static FakeRoomServer withDelivery(ScriptedTransport transport) {
        return new FakeRoomServer(transport, true);
    }

    /** A room server as it was before the delivery guarantees: no token, no seq, no ack. */
    static FakeRoomServer withoutDelivery(ScriptedTransport transport) {
        return new FakeRoomServer(transport, false);
    }

    // ---- what the test does ----

    /** Accepts new attempts, answers every frame written, ends what ended; until nothing changes. */
    FakeRoomServer settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            List<ScriptedTransport.Attempt> attempts = transport.attempts();
            while (seenAttempts < attempts.size()) {
                accept(attempts.get(seenAttempts++));
                progress = true;
            }
            for (Session s : List.copyOf(sessions.values())) {
                progress |= serve(s);
            }
        }
        return this;
    }

    /** While down, attempts fail as if nothing listened. */
    FakeRoomServer down(boolean isDown) {
        this.down = isDown;
        return this;
    }

    /** Rooms keep at most this many messages. */
    FakeRoomServer historyLimit(int messages) {
        this.historyLimit = messages;
        return this;
    }

    /** The session's connection is cut without a close frame; the session is held. */
    void cut(String id) {
        Session s = session(id);
        ScriptedConnection c = s.connection;
        s.connection = null;
        c.drop();
    }

    /** The server handles what the session sends but none of its answers reach it (lost in the cut that follows). */
    void loseRepliesTo(String id) {
        session(id).losesReplies = true;
    }

    /** The session's window ends: it is gone, its rooms forget it, its token is unknown. */
    void expire(String id) {
        Session s = sessions.remove(id);
        byToken.remove(s.token);
        for (String r : s.rooms) {
            rooms.get(r).members.remove(s);
        }
    }

    /** Restarts the server with nothing kept: every session, room and history is gone. */
    void restartForgettingEverything() {
        for (Session s : sessions.values()) {
            if (s.connection != null) {
                s.connection.serverCloses(CloseStatus.SERVER_SHUTDOWN);
            }
        }
        sessions.clear();
        byToken.clear();
        rooms.clear();
    }

    /** A bot member joins a room. */
    void botJoins(String bot, String room) {
        Session s = sessions.computeIfAbsent(bot, id -> new Session(id, true));
        handle(s, JSON.createObjectNode().put("type", "join_room").put("room", room));
    }

    /** A bot sends a room message. */
    void botSays(String bot, String room, String content) {
        handle(session(bot), JSON.createObjectNode().put("type", "room_message").put("room", room).put("content", content));
    }

    /** A bot sends a private message. */
    void botWhispers(String bot, String to, String content) {
        handle(session(bot), JSON.createObjectNode().put("type", "private_message").put("to", to).put("content", content));
    }

    /** Sends this frame to the session as it is (a duplicate, a bogus frame). */
    void sendRaw(String id, String frame) {
        session(id).connection.serverSends(frame);
    }

    /** How many messages came again with a ref already handled (and were acknowledged again, not handled). */
    int repeatedRefs() {
        return repeatedRefs;
    }

    Room room(String name) {
        return rooms.get(name);
    }

    Session session(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            throw new AssertionError("no session " + id + "; sessions: " + sessions.keySet());
        }
        return s;
    }

    /** The contents of a room's history, in seq order. */
    List<String> contents(String room) {
        return rooms.get(room).history.stream().map(m -> m.path("content").asText()).toList();
    }

    // ---- the server ----

    private void accept(ScriptedTransport.Attempt attempt) {
        if (down) {
            attempt.fail();
            return;
        }
        Map<String, String> query = query(attempt.url().getRawQuery());
        Session held = delivery && query.containsKey("resume") ? byToken.remove(query.get("resume")) : null;
        if (held != null) {
            if (held.connection != null) {
                held.connection.serverCloses(CloseStatus.NORMAL); // a half-open connection is taken over
            }
            held.token = "token-" + ++serial;
            byToken.put(held.token, held);
            open(held, attempt);
            held.awaitingResume = true;
            ObjectNode welcome = welcome(held).put("resumed", true).put("resume", held.token);
            ArrayNode list = welcome.putArray("rooms");
            held.rooms.forEach(list::add);
            write(held, welcome);
            return;
        }
        String id = query.getOrDefault("id", "user-" + ++serial);
        if (sessions.containsKey(id)) {
            attempt.refuse(409);
            return;
        }
        Session s = new Session(id, false);
        sessions.put(id, s);
        open(s, attempt);
        ObjectNode welcome = welcome(s);
        if (delivery) {
            s.token = "token-" + ++serial;
            s.inboxEpoch = "inbox-" + ++serial;
            byToken.put(s.token, s);
            welcome.put("resume", s.token).set("inbox", JSON.createObjectNode().put("seq", 0).put("epoch", s.inboxEpoch));
            if (query.containsKey("resume")) {
                welcome.put("resumed", false);
            }
        }
        write(s, welcome);
    }

    private void open(Session s, ScriptedTransport.Attempt attempt) {
        s.connection = attempt.open();
        s.read = 0;
        s.losesReplies = false;
    }

    private static ObjectNode welcome(Session s) {
        return JSON.createObjectNode().put("type", "welcome").put("id", s.id).put("content", "Connected to WebSocket server");
    }

    /** Ends what ended, answers what was written; whether anything happened. */
    private boolean serve(Session s) {
        ScriptedConnection c = s.connection;
        if (c == null) {
            return false;
        }
        List<String> written = c.written();
        boolean progress = false;
        while (s.connection == c && s.read < written.size()) {
            handle(s, parse(written.get(s.read++)));
            progress = true;
        }
        if (s.connection == c && c.isEnded()) {
            s.connection = null;
            if (!delivery || CloseStatus.NORMAL.equals(c.closeSent())) {
                expire(s.id); // the client's own close ends the session; without resume, any end does
            }
            progress = true;
        }
        return progress;
    }

    private void handle(Session s, ObjectNode m) {
        String ref = m.path("ref").isTextual() ? m.get("ref").textValue() : null;
        if (delivery && ref != null && s.handled.containsKey(ref)) {
            repeatedRefs++;
            write(s, s.handled.get(ref)); // handled already: the same ack again, nothing else
            return;
        }
        String type = m.path("type").asText();
        Long seq = null;
        switch (type) {
            case "join_room" -> join(s, m);
            case "leave_room" -> {
                Room room = rooms.get(m.path("room").asText());
                if (room == null || !room.members.remove(s)) {
                    error(s, "Not in room", ref);
                    return;
                }
                s.rooms.remove(m.path("room").asText());
            }
            case "room_message" -> {
                Room room = rooms.get(m.path("room").asText());
                if (room == null || !room.members.contains(s)) {
                    error(s, "Not in room", ref);
                    return;
                }
                ObjectNode relayed = m.deepCopy().put("from", s.id);
                if (delivery) {
                    seq = ++room.seq;
                    relayed.put("seq", seq);
                    room.history.add(relayed);
                    if (room.history.size() > historyLimit) {
                        room.history.remove(0);
                    }
                }
                for (Session member : room.members) {
                    if (member != s) {
                        write(member, relayed);
                    }
                }
            }
            case "private_message" -> {
                Session to = sessions.get(m.path("to").asText());
                if (to == null) {
                    error(s, "User not found", ref);
                    return;
                }
                ObjectNode relayed = m.deepCopy().put("from", s.id);
                if (delivery) {
                    relayed.put("seq", ++to.inboxSeq);
                    to.inbox.add(relayed);
                }
                write(to, relayed);
            }
            case "resume" -> resume(s, m);
            case "ping" -> write(s, JSON.createObjectNode().put("type", "pong"));
            default -> {
                error(s, "Unknown message type: " + type, ref);
                return;
            }
        }
        if (delivery && ref != null) {
            ObjectNode ack = JSON.createObjectNode().put("type", "ack").put("ref", ref);
            if (seq != null) {
                ack.put("seq", seq);
            }
            s.handled.put(ref, ack);
            write(s, ack);
        }
    }

    private void join(Session s, ObjectNode m) {
        String name = m.path("room").asText();
        Room room = rooms.computeIfAbsent(name, r -> new Room("epoch-" + ++serial));
        room.members.add(s);
        s.rooms.add(name);
        ObjectNode joined = JSON.createObjectNode().put("type", "room_joined").put("room", name);
        ArrayNode members = joined.putArray("members");
        room.members.stream().map(x -> x.id).sorted().forEach(members::add);
        if (!delivery) {
            write(s, joined);
            return;
        }
        joined.put("seq", room.seq).put("epoch", room.epoch);
        JsonNode since = m.get("since");
        boolean recovered = since != null && recovers(room, since);
        if (since != null) {
            joined.put("recovered", recovered);
        }
        write(s, joined);
        if (recovered) {
            replay(s, room, since.get("seq").asLong());
        }
    }

    private void resume(Session s, ObjectNode m) {
        ObjectNode answer = JSON.createObjectNode().put("type", "resumed");
        ObjectNode recoveredRooms = answer.putObject("rooms");
        boolean fresh = s.awaitingResume;
        s.awaitingResume = false;
        Map<String, Long> replays = new LinkedHashMap<>();
        for (String name : s.rooms) {
            JsonNode since = m.path("rooms").get(name);
            boolean recovered = fresh && since != null && recovers(rooms.get(name), since);
            recoveredRooms.put(name, recovered);
            if (recovered) {
                replays.put(name, since.get("seq").asLong());
            }
        }
        JsonNode inbox = m.get("inbox");
        boolean inboxRecovered = fresh && inbox != null && s.inboxEpoch.equals(inbox.path("epoch").asText())
                && inbox.path("seq").asLong() <= s.inboxSeq;
        answer.put("inbox", inboxRecovered);
        write(s, answer);
        replays.forEach((name, after) -> replay(s, rooms.get(name), after));
        if (inboxRecovered) {
            for (ObjectNode p : s.inbox) {
                if (p.get("seq").asLong() > inbox.path("seq").asLong()) {
                    write(s, p);
                }
            }
        }
    }

    private static boolean recovers(Room room, JsonNode since) {
        long seq = since.path("seq").asLong(-1);
        return room.epoch.equals(since.path("epoch").asText()) && seq >= room.firstKept() - 1 && seq <= room.seq;
    }

    private void replay(Session s, Room room, long after) {
        for (ObjectNode message : room.history) {
            if (message.get("seq").asLong() > after) {
                write(s, message);
            }
        }
    }

    private void error(Session s, String error, String ref) {
        ObjectNode e = JSON.createObjectNode().put("type", "error").put("error", error);
        if (delivery && ref != null) {
            e.put("ref", ref);
        }
        write(s, e);
    }

    /** To a live session's connection; a held session gets it from the history or its inbox when it resumes. */
    private void write(Session s, ObjectNode m) {
        if (s.connection == null || s.bot || s.losesReplies || s.connection.isEnded()
                || (s.awaitingResume && !isWelcome(m))) {
            return;
        }
        try {
            s.connection.serverSends(JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isWelcome(ObjectNode m) {
        return "welcome".equals(m.path("type").asText());
    }

    private static ObjectNode parse(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
