package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;
import io.wshub.Hub;
import io.wshub.Position;
import io.wshub.Resumption;
import io.wshub.RoomJoin;
import io.wshub.Rooms;
import io.wshub.SendResult;
import io.wshub.Session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The room server's protocol (docs/protocol.md): welcome and presence, rooms with member lists, room,
 * private and broadcast messages, and ping. Relayed messages keep every field the client sent,
 * with {@code from} set by the server (a client cannot spoof it).
 *
 * <table>
 *   <caption>Client messages</caption>
 *   <tr><td>{@code join_room}</td><td>it gets {@code room_joined} with the members; the others {@code user_joined_room}</td></tr>
 *   <tr><td>{@code leave_room}</td><td>the remaining members get {@code user_left_room}</td></tr>
 *   <tr><td>{@code room_message}</td><td>the other members get it with {@code from}</td></tr>
 *   <tr><td>{@code private_message}</td><td>{@code to} gets it with {@code from}</td></tr>
 *   <tr><td>{@code broadcast}</td><td>everyone else gets it with {@code from}</td></tr>
 *   <tr><td>{@code ping}</td><td>it gets {@code pong}</td></tr>
 *   <tr><td>{@code resume}</td><td>after a resumed welcome: it gets {@code resumed}, then what it missed</td></tr>
 * </table>
 *
 * <p>With the hub's delivery guarantees on (docs/protocol.md, "Delivery guarantees"): room messages
 * carry their {@code seq}, {@code room_joined} the room's {@code seq} and {@code epoch}, a
 * {@code join_room} with {@code since} recovers what came after it; the welcome carries the resume
 * token and the inbox's position, private messages their inbox {@code seq}; a connection that
 * resumes a session with {@code ?resume=T} gets a welcome with {@code "resumed":true}, its rooms and
 * the next token, and its rooms' traffic waits until it sends {@code resume}.
 *
 * <p>Presence ({@code user_joined}, {@code user_left}, {@code user_joined_room},
 * {@code user_left_room}) is sent as {@linkplain Message#asPresence presence announcements}: a
 * recipient whose queue is filling up under a storm of arrivals keeps only the latest state of each
 * user, and an arrival and departure it has not seen yet cancel out. The hub-wide
 * {@code user_joined}/{@code user_left} reach every session of the hub, so N clients connecting
 * at once cost about N²/2 messages; {@link #router(boolean)} turns them off.
 */
public final class RoomProtocol {

    /** Room names: 1–64 of {@code [A-Za-z0-9_.:-]}. */
    public static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    static final String WELCOME_CONTENT = "Connected to WebSocket server";
    private static final Message PONG = Envelope.encode(Envelope.message("pong"));

    private RoomProtocol() {
    }

    /**
     * A router speaking the room protocol, hub-wide presence included; add application types
     * with {@code on(...)}.
     */
    public static MessageRouter.Builder router() {
        return router(true);
    }

    /**
     * A router speaking the room protocol, with or without the hub-wide {@code user_joined} and
     * {@code user_left} announcements (rooms announce their members' arrivals and departures
     * either way).
     */
    public static MessageRouter.Builder router(boolean announcePresence) {
        return MessageRouter.builder()
                .onOpen(session -> welcome(session, announcePresence))
                .onClose((session, status) -> farewell(session, announcePresence))
                .onDeparture((hub, departure) -> farewell(hub, departure.sessionId(), departure.rooms(), announcePresence))
                .on("join_room", RoomProtocol::joinRoom)
                .on("leave_room", RoomProtocol::leaveRoom)
                .on("room_message", RoomProtocol::roomMessage)
                .on("private_message", RoomProtocol::privateMessage)
                .on("broadcast", RoomProtocol::broadcast)
                .on("ping", (session, message) -> session.send(PONG))
                .onResumed(RoomProtocol::welcomeBack)
                .on("resume", RoomProtocol::resume);
    }

    /**
     * The message's {@code room}, checked.
     *
     * @throws ProtocolError {@link Envelope#INVALID_ROOM} when absent, not a string or malformed
     */
    public static String room(ObjectNode message) {
        JsonNode room = message.get("room");
        if (room == null || !room.isTextual() || !ROOM_NAME.matcher(room.textValue()).matches()) {
            throw new ProtocolError(Envelope.INVALID_ROOM);
        }
        return room.textValue();
    }

    /**
     * The welcome, first: the id, and with resume on the token and the inbox's position (and, when
     * the client asked to resume and could not, {@code "resumed":false}).
     */
    private static void welcome(Session session, boolean announcePresence) {
        ObjectNode welcome = Envelope.message("welcome").put("id", session.id()).put("content", WELCOME_CONTENT);
        session.resumeToken().ifPresent(token -> {
            if (session.handshake().queryParameters().containsKey(Session.RESUME_PARAMETER)) {
                welcome.put("resumed", false);
            }
            welcome.put("resume", token);
            session.inbox().ifPresent(inbox -> welcome.set("inbox", Positions.write(inbox)));
        });
        session.send(Envelope.encode(welcome));
        if (announcePresence) {
            session.hub().broadcast(userPresence("user_joined", session.id(), true), session);
        }
    }

    /**
     * A new connection took the session back: the resumed welcome, with its rooms and the next token
     * (no inbox: the client resumes from what it kept), and the rooms wait for its {@code resume}.
     */
    private static void welcomeBack(Session session) {
        ObjectNode welcome = Envelope.message("welcome").put("id", session.id()).put("content", WELCOME_CONTENT)
                .put("resumed", true);
        ArrayNode rooms = welcome.putArray("rooms");
        new TreeSet<>(session.rooms()).forEach(rooms::add);
        session.resumeToken().ifPresent(token -> welcome.put("resume", token));
        session.send(Envelope.encode(welcome));
        session.awaitResume(RoomProtocol::resumed);
    }

    /**
     * {@code {"type":"resume","rooms":{R:{seq,epoch},…},"inbox":{seq,epoch}}}: answered with
     * {@code resumed} and what was missed, or, when no resume is awaited (late, repeated, a fresh
     * session), with everything not recovered.
     */
    private static void resume(Session session, ObjectNode message) {
        JsonNode rooms = message.get("rooms");
        JsonNode inbox = message.get("inbox");
        if (rooms != null && !rooms.isObject()) {
            throw new ProtocolError(Envelope.INVALID_FORMAT);
        }
        Map<String, Position> seen = new HashMap<>();
        for (String room : session.rooms()) { // only its own: a client's list of thousands costs nothing more
            JsonNode at = rooms == null ? null : rooms.get(room);
            if (at != null) {
                seen.put(room, Positions.read(at));
            }
        }
        Position inboxSeen = inbox == null ? null : Positions.read(inbox);
        if (!session.resume(seen, inboxSeen)) {
            Map<String, Boolean> none = new HashMap<>();
            session.rooms().forEach(room -> none.put(room, false));
            session.send(resumed(new Resumption(none, false)));
        }
    }

    /** {@code {"type":"resumed","rooms":{R:true|false,…},"inbox":true|false}}. */
    private static Message resumed(Resumption r) {
        ObjectNode answer = Envelope.message("resumed");
        ObjectNode rooms = answer.putObject("rooms");
        r.rooms().forEach(rooms::put);
        answer.put("inbox", r.inbox());
        return Envelope.encode(answer);
    }

    private static void farewell(Session session, boolean announcePresence) {
        farewell(session.hub(), session.id(), session.rooms(), announcePresence);
    }

    /** The same departure for a session whose node died ({@link io.wshub.HubHandler#onDeparture}). */
    private static void farewell(Hub hub, String id, Iterable<String> rooms, boolean announcePresence) {
        for (String room : rooms) {
            hub.rooms().broadcast(room, userInRoom("user_left_room", room, id), null);
        }
        if (announcePresence) {
            hub.broadcast(userPresence("user_left", id, false), null);
        }
    }

    /** A hub-wide announcement, keyed by the session id alone. */
    private static Message userPresence(String type, String id, boolean present) {
        return Envelope.encode(Envelope.message(type).put("id", id)).asPresence(id, present);
    }

    private static void joinRoom(Session session, ObjectNode message) {
        String room = room(message);
        JsonNode since = message.get("since");
        Position from = since == null ? null : Positions.read(since);
        session.hub().rooms().join(session, room, from, join -> roomJoined(room, join),
                userInRoom("user_joined_room", room, session.id()));
    }

    /** {@code room_joined}: the members, with history on the room's seq and epoch, after a {@code since} whether it recovered. */
    private static Message roomJoined(String room, RoomJoin join) {
        List<String> members = join.members();
        ArrayNode ids = JsonNodeFactory.instance.arrayNode(members.size());
        members.forEach(ids::add);
        ObjectNode reply = Envelope.message("room_joined").put("room", room);
        reply.set("members", ids);
        join.position().ifPresent(p -> reply.put("seq", p.seq()).put("epoch", p.epoch()));
        join.recovered().ifPresent(r -> reply.put("recovered", r));
        return Envelope.encode(reply);
    }

    private static void leaveRoom(Session session, ObjectNode message) {
        String room = room(message);
        if (!session.hub().rooms().leave(session, room, userInRoom("user_left_room", room, session.id()))) {
            throw new ProtocolError(Envelope.NOT_IN_ROOM);
        }
    }

    private static void roomMessage(Session session, ObjectNode message) {
        String room = room(message);
        if (!session.hub().rooms().isMember(session, room)) {
            throw new ProtocolError(Envelope.NOT_IN_ROOM);
        }
        message.put("from", session.id());
        Rooms rooms = session.hub().rooms();
        if (rooms.sequencedByCluster()) {
            MessageRouter.reportSeq(rooms.publishSequenced(room, Envelope.positioned(message), session));
        } else {
            MessageRouter.reportSeq(rooms.publish(room, Envelope.positioned(message), session));
        }
    }

    private static void privateMessage(Session session, ObjectNode message) {
        JsonNode to = message.get("to");
        if (to == null || !to.isTextual()) {
            throw new ProtocolError(Envelope.USER_NOT_FOUND);
        }
        message.put("from", session.id());
        if (session.hub().sendTo(to.textValue(), Envelope.positioned(message)) == SendResult.NOT_FOUND) {
            throw new ProtocolError(Envelope.USER_NOT_FOUND);
        }
    }

    private static void broadcast(Session session, ObjectNode message) {
        message.put("from", session.id());
        session.hub().broadcast(Envelope.encode(message), session);
    }

    /** A room's announcement, keyed by room and id (neither can hold a space). */
    private static Message userInRoom(String type, String room, String id) {
        return Envelope.encode(Envelope.message(type).put("room", room).put("userId", id))
                .asPresence(room + " " + id, type.equals("user_joined_room"));
    }
}
