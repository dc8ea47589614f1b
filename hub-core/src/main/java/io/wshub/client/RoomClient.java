package io.wshub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Message;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The room protocol of wshub's room server (docs/protocol.md) over a {@link ReconnectingClient},
 * with the server's delivery guarantees kept by itself (docs/client.md): join and leave rooms and
 * send messages; after every reconnect it resumes its session, or joins its rooms again, before any
 * buffered message goes out, and tells a {@link RecoveryListener} per room whether what it missed
 * is delivered.
 *
 * <pre>{@code
 * RoomClient rooms = RoomClient.connect(WsHubClient.builder("ws://localhost:8080/ws")
 *         .onMessage(frame -> System.out.println(frame.text())));
 * rooms.join("lobby");
 * rooms.send("lobby", "hello").thenAccept(receipt -> System.out.println("the room has it: " + receipt.seq()));
 * }</pre>
 *
 * <h2>Against a server with the delivery features</h2>
 * When the server's {@code welcome} offers {@code resume} (its resume window is on), the room
 * client keeps the newest token and reconnects with {@code ?resume=T}, sends {@code resume} with
 * its place in each room and in its inbox, and, once the session is back, writes again every
 * message the server has not acknowledged, with its {@code ref}; the server handles each ref once.
 * A send's future completes with the server's {@code ack}. It hands the application every room
 * message and private message once and in order: a duplicate (by {@code seq}) is not delivered
 * again, nor one of its own messages in a replay. When the session was not resumed (the window
 * had passed), it joins its rooms again with {@code since}, so that a room whose history reaches
 * back is recovered all the same.
 *
 * <h2>Against a server without them</h2>
 * It joins its rooms again on every connection, as the only way back in; a send's future completes
 * when the message is written ({@link Receipt#acknowledged()} false), and every room counts as not
 * recovered after a reconnect.
 *
 * <p>Thread-safe. Inbound frames, the {@code room_joined} answers included, go to the client's
 * handler or {@code receive} as usual — except the acks and errors that answer this client's
 * {@code ref}s (they complete its futures instead), duplicates, and its own messages in a replay.
 */
public final class RoomClient implements AutoCloseable {

    /** The room server's rule for room names (docs/protocol.md). */
    private static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final ReconnectingClient client;
    private final RoomSession session;

    private RoomClient(ReconnectingClient client, RoomSession session) {
        this.client = client;
        this.session = session;
    }

    /** Connects a room client whose recoveries nobody hears; see {@link #connect(ReconnectingClient.Builder, RecoveryListener)}. */
    public static RoomClient connect(ReconnectingClient.Builder builder) {
        return connect(builder, RecoveryListener.NONE);
    }

    /**
     * Makes {@code builder}'s client a room client and connects it. Its session is restored on every
     * new connection before the builder's own restore hooks run.
     *
     * @param recovery hears after every reconnect what was recovered
     * @throws IllegalStateException if a room client was already connected with this builder
     */
    public static RoomClient connect(ReconnectingClient.Builder builder, RecoveryListener recovery) {
        Objects.requireNonNull(builder, "builder");
        RoomSession session = new RoomSession(Objects.requireNonNull(recovery, "recovery"));
        ReconnectingClient client = builder.protocol(session).build();
        session.attach(client.machine());
        client.machine().start();
        return new RoomClient(client, session);
    }

    /** The client underneath, for other messages, state and close. */
    public ReconnectingClient client() {
        return client;
    }

    /**
     * The rooms this client is in, or will be in again after a reconnect. Reflects a
     * {@link #join} or {@link #leave} once the client has taken it in: at once, unless the client is
     * busy on another thread at that moment.
     */
    public Set<String> rooms() {
        return session.rooms();
    }

    /** The session id of the latest welcome (the server's, or the one asked with {@code ?id=}); null before the first. */
    public String sessionId() {
        return session.sessionId();
    }

    /**
     * Joins a room — now when connected, else on the next connection — and again after every
     * reconnect. While the client is connecting nothing is sent: the new connection's restore joins
     * every room once. On a connection that is upgraded, each call sends one {@code join_room}, in
     * turn with the buffer; if that connection ends before it is written, it is not sent again (the
     * next restore joins). Joining a room it is in again answers with the current member list.
     *
     * @return the server's {@code room_joined} frame (with the member list); fails with
     *         {@link MessageRejectedException} when the server refuses ({@code Not allowed}: the
     *         room is then not joined again), with a {@link java.util.concurrent.TimeoutException}
     *         after {@link ClientOptions#sendTimeout()}, or with {@link ClientClosedException}
     * @throws IllegalArgumentException if the name breaks the server's rule: 1–64 of {@code [A-Za-z0-9_.:-]}
     */
    public CompletableFuture<Message> join(String room) {
        checkRoom(room);
        CompletableFuture<Message> joined = new CompletableFuture<>();
        client.machine().post(() -> session.join(room, joined));
        return joined;
    }

    /**
     * Leaves a room: it is not joined again after a reconnect.
     *
     * @return completes when {@code leave_room} is written, or at once when not connected (the
     *         server forgets a membership with its connection, or the next connection's resume
     *         leaves it)
     */
    public CompletableFuture<Void> leave(String room) {
        checkRoom(room);
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.machine().post(() -> session.leave(room, done));
        return done;
    }

    /**
     * Sends {@code {"type":"room_message","room":room,"content":content}}; see {@link #send(ObjectNode)}.
     *
     * @throws IllegalArgumentException if the room name breaks the server's rule
     */
    public CompletableFuture<Receipt> send(String room, String content) {
        checkRoom(room);
        Objects.requireNonNull(content, "content");
        return send(RoomFrames.roomMessage("room_message", room).put("content", content));
    }

    /**
     * Sends a message of the room protocol (or of the application's own types): the room client
     * gives it a {@code ref} ({@code rc-1}, {@code rc-2}, …) and sends it through the client's
     * buffer. Never blocks.
     *
     * @param message a JSON object with a string {@code type}; copied, never changed
     * @return the {@link Receipt}: from a server that acknowledges, when it has handled the
     *         message, with the room position of a room message; from one that does not, when the
     *         message is written. Fails with {@link MessageRejectedException} (the server's error),
     *         {@link SendTimeoutException} (no ack within {@link ClientOptions#sendTimeout()} of
     *         this call: it may or may not have been handled), {@link ConnectionLostException} (it
     *         may have arrived, and the session could not be resumed to find out),
     *         {@link MessageDroppedException} or {@link ClientClosedException}. Cancelling it keeps
     *         the message from being written if it has not been, and from being written again.
     * @throws IllegalArgumentException if the message has no string {@code type}, already has a
     *         {@code ref}, or is larger than {@link ClientOptions#maxMessageBytes()}
     */
    public CompletableFuture<Receipt> send(ObjectNode message) {
        Objects.requireNonNull(message, "message");
        JsonNode type = message.get("type");
        if (type == null || !type.isTextual() || type.textValue().isEmpty()) {
            throw new IllegalArgumentException("message must have a string type, was " + message);
        }
        if (message.has("ref")) {
            throw new IllegalArgumentException("the room client gives every message its ref; this one has " + message.get("ref"));
        }
        ObjectNode copy = message.deepCopy();
        long size = RoomFrames.encode(copy).size() + 32; // room for the ref
        if (size > client.options().maxMessageBytes()) {
            throw new IllegalArgumentException("message of about " + size + " bytes is larger than maxMessageBytes ("
                    + client.options().maxMessageBytes() + ")");
        }
        CompletableFuture<Receipt> receipt = new CompletableFuture<>();
        client.machine().post(() -> session.send(copy, receipt));
        return receipt;
    }

    /** Closes the client; see {@link ReconnectingClient#close()}. */
    @Override
    public void close() {
        client.close();
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
}
