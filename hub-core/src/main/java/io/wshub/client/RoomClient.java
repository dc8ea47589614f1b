package io.wshub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The room protocol of wshub's room server over a {@link ReconnectingClient}: join and leave rooms
 * and send room messages — and, after every reconnect, join its rooms again by itself before any
 * buffered message goes out, so a room message sent during an outage reaches the room.
 *
 * <pre>{@code
 * RoomClient rooms = RoomClient.connect(WsHubClient.builder("ws://localhost:8080/ws")
 *         .onMessage(frame -> System.out.println(frame.text())));
 * rooms.join("lobby");
 * rooms.send("lobby", "hello");
 * }</pre>
 *
 * <p>Thread-safe. Inbound frames, the {@code room_joined} answers included, go to the client's
 * handler or {@code receive} as usual.
 */
public final class RoomClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The room server's rule for room names (docs/protocol.md). */
    private static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final ReconnectingClient client;
    // The rooms to be in; changed by callers, read by the restore hook on a client thread.
    private final Set<String> rooms;

    private RoomClient(ReconnectingClient client, Set<String> rooms) {
        this.client = client;
        this.rooms = rooms;
    }

    /**
     * Adds the re-join hook to {@code builder} (after the hooks it already has), connects, and
     * returns the room client.
     */
    public static RoomClient connect(ReconnectingClient.Builder builder) {
        Set<String> rooms = new CopyOnWriteArraySet<>();
        builder.restoreHook(context -> rejoin(rooms, context));
        return new RoomClient(builder.connect(), rooms);
    }

    /** The client underneath, for other messages, state and close. */
    public ReconnectingClient client() {
        return client;
    }

    /** The rooms this client is in, or will be in again after a reconnect. */
    public Set<String> rooms() {
        return Set.copyOf(rooms);
    }

    /**
     * Joins a room, now or — while offline — as soon as connected, and again after every reconnect.
     *
     * @return the server's {@code room_joined} frame (with the member list); fails as
     *         {@link ReconnectingClient#request} does, within the client's send timeout
     * @throws IllegalArgumentException if the name breaks the server's rule: 1–64 of {@code [A-Za-z0-9_.:-]}
     */
    public CompletableFuture<Message> join(String room) {
        checkRoom(room);
        rooms.add(room);
        return client.request(roomMessage("join_room", room), isJoined(room), client.options().sendTimeout());
    }

    /**
     * Leaves a room: it is not joined again after a reconnect. Sends {@code leave_room} only while
     * open (a server that lost the connection has already forgotten the membership).
     */
    public CompletableFuture<Void> leave(String room) {
        checkRoom(room);
        rooms.remove(room);
        if (client.state() != ClientState.OPEN) {
            return CompletableFuture.completedFuture(null);
        }
        return client.send(roomMessage("leave_room", room));
    }

    /** Sends {@code {"type":"room_message","room":room,"content":content}}; see {@link ReconnectingClient#send}. */
    public CompletableFuture<Void> send(String room, String content) {
        checkRoom(room);
        Objects.requireNonNull(content, "content");
        ObjectNode message = JSON.createObjectNode().put("type", "room_message").put("room", room).put("content", content);
        return client.send(encode(message));
    }

    /** Closes the client; see {@link ReconnectingClient#close()}. */
    @Override
    public void close() {
        client.close();
    }

    private static CompletableFuture<Void> rejoin(Set<String> rooms, RestoreContext context) {
        List<CompletableFuture<Message>> joins = rooms.stream()
                .map(room -> context.request(roomMessage("join_room", room), isJoined(room)))
                .toList();
        return CompletableFuture.allOf(joins.toArray(CompletableFuture<?>[]::new));
    }

    /** Whether the room server accepts this room name: 1–64 of {@code [A-Za-z0-9_.:-]}. */
    public static boolean isValidRoomName(String room) {
        return room != null && ROOM_NAME.matcher(room).matches();
    }

    private static void checkRoom(String room) {
        Objects.requireNonNull(room, "room");
        if (!isValidRoomName(room)) {
            throw new IllegalArgumentException("room must be 1-64 of [A-Za-z0-9_.:-], was \"" + room + "\"");
        }
    }

    private static Message roomMessage(String type, String room) {
        return encode(JSON.createObjectNode().put("type", type).put("room", room));
    }

    private static Message encode(ObjectNode message) {
        try {
            return Message.utf8(JSON.writeValueAsBytes(message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // cannot happen for a tree of strings
        }
    }

    /** Whether the frame is the server's {@code room_joined} answer for this room. */
    static Predicate<Message> isJoined(String room) {
        return frame -> {
            JsonNode message = parse(frame);
            return message != null
                    && "room_joined".equals(message.path("type").asText(null))
                    && room.equals(message.path("room").asText(null));
        };
    }

    private static JsonNode parse(Message frame) {
        if (!frame.isText()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(frame.text());
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
