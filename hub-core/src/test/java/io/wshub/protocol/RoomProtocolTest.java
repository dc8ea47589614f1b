package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.ErrorKind;
import io.wshub.testing.Peer;
import io.wshub.Session;
import io.wshub.testing.HubFixture;
import io.wshub.spi.MetricsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static io.wshub.testing.Peer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The room server's protocol (docs/protocol.md), row by row: presence, rooms, room,
 * private and broadcast messages, ping, disconnects, and every error, over the in-memory transport.
 */
class RoomProtocolTest {

    /** Every JSON value a client may use, nested, with numbers a double would not keep. */
    private static final String RICH_DATA = "{\"nested\":{\"deeper\":{\"list\":[[],[{}],[1,[2,[3]]]]}},"
            + "\"numbers\":[0,-1,2.50,0.1000000000000000000001,1e400,-1.5E-10,123456789012345678901234567890,"
            + "-9223372036854775809,18446744073709551616],"
            + "\"flags\":[true,false,null],\"empty\":{},\"none\":[],"
            + "\"text\":\"h\u00e9llo w\u00f6rld \u4e2d\u6587 \uD83D\uDE00 \\\"quoted\\\" back\\\\slash \\n\\t \\u0000 \\u00e9 \\ud83d\\ude00\"}";

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private List<Peer> peers(String... ids) {
        server = HubFixture.rooms();
        return server.settledPeers(ids);
    }

    /** Settled peers of which the first {@code members} are in the room; every inbox is empty. */
    private List<Peer> peersWithRoom(String room, int members, String... ids) {
        List<Peer> p = peers(ids);
        p.subList(0, members).forEach(member -> member.joinRoom(room));
        p.forEach(Peer::discardReceived);
        return p;
    }

    // ---- presence ----

    @Test
    void theRouterSaysWhichTypesItHandles() {
        assertThat(RoomProtocol.router().on("refresh", (session, message) -> { }).build().types())
                .containsExactlyInAnyOrder("join_room", "leave_room", "room_message", "private_message", "broadcast",
                        "ping", "resume", "refresh");
    }

    @Test
    void aWrappedJoinCanRefuseWithAnErrorAndOtherwiseJoinsAsBefore() {
        server = HubFixture.of(io.wshub.HubOptions.defaults(), RoomProtocol.router()
                .around("join_room", join -> (session, msg) -> {
                    if (RoomProtocol.room(msg).startsWith("secret")) {
                        throw new ProtocolError("Not allowed");
                    }
                    join.handle(session, msg);
                }).build());
        Peer alice = server.settledPeers("alice").get(0);

        alice.sendJson("join_room", "room", "secret-1");
        alice.expectError("Not allowed");
        assertThat(alice.join("lobby").get("members")).hasSize(1);
    }

    @Test
    void wrappingATypeWithoutAHandlerIsAProgrammerError() {
        MessageRouter.Builder router = MessageRouter.builder();

        assertThatThrownBy(() -> router.around("join_room", h -> h))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("join_room");
    }

    @Test
    void theWelcomeIsTheFirstFrameAndNamesTheRequestedId() {
        server = HubFixture.rooms();
        Peer alice = server.connect("alice");

        alice.expect("{\"type\":\"welcome\",\"id\":\"alice\",\"content\":\"Connected to WebSocket server\"}");
        alice.expectOnlyPong();
    }

    @Test
    void theWelcomeNamesTheAssignedIdWhenNoneWasRequested() {
        server = HubFixture.rooms();
        Peer anonymous = server.connect();

        assertThat(anonymous.id()).matches("[A-Za-z0-9_.-]{1,64}");
        anonymous.expect(Peer.welcome(anonymous.id()));
    }

    @Test
    void everyoneElseLearnsOfANewSessionOnlyAfterItsWelcome() {
        List<String> writesTo = Collections.synchronizedList(new ArrayList<>());
        MetricsListener recorder = new MetricsListener() {
            @Override
            public void messagesWritten(Session session, int messages, long bytes) {
                for (int i = 0; i < messages; i++) {
                    writesTo.add(session.id());
                }
            }
        };
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).metrics(recorder));
        List<Peer> early = server.settledPeers("alice", "bob");
        writesTo.clear();

        Peer carol = server.connect("carol");

        carol.expect(Peer.welcome("carol"));
        for (Peer p : early) {
            p.expect("{\"type\":\"user_joined\",\"id\":\"carol\"}");
            p.expectOnlyPong();
        }
        carol.expectOnlyPong(); // it is not told of itself
        assertThat(writesTo.subList(0, 3)).as("the order of the hub's writes").startsWith("carol")
                .containsExactlyInAnyOrder("carol", "alice", "bob");
    }

    // ---- join_room ----

    @Test
    void joiningAnswersRoomJoinedWithEveryMemberAndTellsTheOtherMembers() {
        List<Peer> p = peers("alice", "bob", "carol");
        Peer alice = p.get(0);
        Peer bob = p.get(1);

        alice.send("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        alice.expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"alice\"]}");

        bob.send("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        bob.expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"alice\",\"bob\"]}");
        alice.expect("{\"type\":\"user_joined_room\",\"room\":\"lobby\",\"userId\":\"bob\"}");

        for (Peer each : p) {
            each.expectOnlyPong(); // the joiner hears no user_joined_room of itself; carol, outside, hears nothing
        }
        assertThat(server.hub().rooms().members("lobby")).containsExactly("alice", "bob");
    }

    @Test
    void membersJoiningAtOnceEndUpWithTheSameViewOfTheRoom() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        server = HubFixture.rooms();
        for (int round = 0; round < 200; round++) {
            List<Peer> p = server.settledPeers("a" + round, "b" + round);
            String room = "race" + round;
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            List<Thread> joiners = new java.util.ArrayList<>();
            for (Peer peer : p) {
                joiners.add(new Thread(() -> {
                    try {
                        together.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    peer.send("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
                }));
            }
            joiners.forEach(Thread::start);
            for (Thread t : joiners) {
                t.join(5_000);
            }
            for (Peer peer : p) {
                // Apply what the peer saw, in order, as a chat client would: a room_joined sets
                // the member list, a user_joined_room adds to it.
                java.util.Set<String> view = new java.util.TreeSet<>();
                boolean joined = false;
                for (var received : peer.client().drain()) {
                    var m = json.readTree(received.text());
                    if (m.get("type").asText().equals("room_joined")) {
                        view.clear();
                        m.get("members").forEach(id -> view.add(id.asText()));
                        joined = true;
                    } else if (m.get("type").asText().equals("user_joined_room")) {
                        assertThat(joined).as("user_joined_room before room_joined").isTrue();
                        view.add(m.get("userId").asText());
                    }
                }
                assertThat(view).as("round %d", round).containsExactly("a" + round, "b" + round);
            }
            for (Peer peer : p) {
                peer.client().close();
            }
        }
    }

    @Test
    void aSessionThatJoinsWhileAnotherJoinIsAnsweredIsNotToldOfThatJoinAgain() {
        java.util.concurrent.atomic.AtomicReference<Peer> bob = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        MetricsListener bobJoinsDuringAlicesReply = new MetricsListener() {
            @Override
            public void messagesWritten(Session session, int messages, long bytes) {
                if (session.id().equals("alice") && armed.compareAndSet(true, false)) {
                    bob.get().send("{\"type\":\"join_room\",\"room\":\"lobby\"}");
                }
            }
        };
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).metrics(bobJoinsDuringAlicesReply));
        List<Peer> p = server.settledPeers("alice", "bob");
        Peer alice = p.get(0);
        bob.set(p.get(1));
        armed.set(true);

        alice.send("{\"type\":\"join_room\",\"room\":\"lobby\"}");

        alice.expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"alice\"]}");
        bob.get().expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"alice\",\"bob\"]}");
        alice.expect("{\"type\":\"user_joined_room\",\"room\":\"lobby\",\"userId\":\"bob\"}");
        bob.get().expectOnlyPong(); // its member list already has alice: no user_joined_room for her
    }

    @Test
    void theMemberListHoldsEveryMemberWhateverTheOrderTheyJoinedIn() {
        List<Peer> p = peers("zoe", "mia", "abe");
        p.get(0).joinRoom("r");
        p.get(1).joinRoom("r");

        p.get(2).send("{\"type\":\"join_room\",\"room\":\"r\"}");

        ObjectNode joined = p.get(2).nextJson();
        assertThat(joined.get("type").textValue()).isEqualTo("room_joined");
        assertThat(joined.get("room").textValue()).isEqualTo("r");
        List<String> members = new ArrayList<>();
        joined.get("members").forEach(m -> members.add(m.textValue()));
        assertThat(members).containsExactlyInAnyOrder("zoe", "mia", "abe");
    }

    @Test
    void joiningARoomAgainAnswersRoomJoinedAgainAndTellsNoOne() {
        List<Peer> p = peersWithRoom("lobby", 2, "alice", "bob");

        p.get(1).send("{\"type\":\"join_room\",\"room\":\"lobby\"}");

        p.get(1).expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"alice\",\"bob\"]}");
        p.get(1).expectOnlyPong();
        p.get(0).expectOnlyPong();
        assertThat(server.hub().rooms().members("lobby")).containsExactly("alice", "bob");
    }

    // ---- leave_room ----

    @Test
    void leavingTellsTheRemainingMembersAndNoOneElse() {
        List<Peer> p = peersWithRoom("lobby", 3, "alice", "bob", "carol", "dave");

        p.get(1).send("{\"type\":\"leave_room\",\"room\":\"lobby\"}");

        p.get(0).expect("{\"type\":\"user_left_room\",\"room\":\"lobby\",\"userId\":\"bob\"}");
        p.get(2).expect("{\"type\":\"user_left_room\",\"room\":\"lobby\",\"userId\":\"bob\"}");
        p.forEach(Peer::expectOnlyPong); // bob, who left, and dave, never in, hear nothing
        assertThat(server.hub().rooms().members("lobby")).containsExactly("alice", "carol");
    }

    @Test
    void aSessionThatLeftNoLongerSendsToOrHearsFromTheRoom() {
        List<Peer> p = peersWithRoom("lobby", 2, "alice", "bob");
        p.get(1).send("{\"type\":\"leave_room\",\"room\":\"lobby\"}");
        p.get(0).discardReceived();

        p.get(0).send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}");
        p.get(1).expectOnlyPong();

        p.get(1).send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}");
        p.get(1).expectError("Not in room");
        p.get(0).expectOnlyPong();
    }

    @Test
    void theRoomGoesWhenItsLastMemberLeavesAndIsCreatedAfreshOnTheNextJoin() {
        List<Peer> p = peers("alice", "bob");
        p.get(0).joinRoom("lobby");
        p.get(0).send("{\"type\":\"leave_room\",\"room\":\"lobby\"}");

        p.get(0).expectOnlyPong();
        assertThat(server.hub().rooms().names()).isEmpty();
        assertThat(server.hub().stats().rooms()).isZero();

        p.get(1).send("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        p.get(1).expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"bob\"]}");
        p.get(0).expectOnlyPong();
    }

    @ParameterizedTest
    @ValueSource(strings = {"leave_room", "room_message"})
    void aLeaveOrRoomMessageForARoomItIsNotInIsRefusedAndReachesNoOne(String type) {
        List<Peer> p = peers("alice", "bob");
        p.get(0).joinRoom("lobby");

        for (String room : List.of("lobby", "nowhere")) { // a room of others, and no room at all
            p.get(1).send("{\"type\":\"" + type + "\",\"room\":\"" + room + "\",\"content\":\"x\"}");
            p.get(1).expectError("Not in room");
        }

        p.forEach(Peer::expectOnlyPong);
        assertThat(server.hub().rooms().names()).containsExactly("lobby");
        assertThat(server.hub().rooms().members("lobby")).containsExactly("alice");
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(2);
    }

    // ---- room_message ----

    @Test
    void aRoomMessageReachesEveryOtherMemberOnceWithFrom() {
        List<Peer> p = peersWithRoom("lobby", 3, "alice", "bob", "carol", "dave");

        p.get(0).send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hello\",\"data\":{\"n\":1}}");

        String relayed = "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hello\",\"data\":{\"n\":1},\"from\":\"alice\"}";
        p.get(1).expectJson(relayed);
        p.get(2).expectJson(relayed);
        p.forEach(Peer::expectOnlyPong); // the sender and dave, outside the room, get nothing
    }

    @Test
    void aRelayedRoomMessageKeepsEveryFieldExactly() {
        List<Peer> p = peersWithRoom("lobby", 2, "alice", "bob");
        String sent = "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"c\",\"data\":" + RICH_DATA
                + ",\"unknown_field\":{\"kept\":[1.0,\"x\"]},\"extra\":42}";

        p.get(0).send(sent);

        assertRelayedUnchangedWithFrom(p.get(1).next(), sent, "alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"mallory\"",
        "{\"id\":\"mallory\"}",
        "null",
        "\"alice\",\"from\":\"mallory\"" // a duplicate key: the last one would win a lax parse
    })
    void aClientCannotSpoofFromInAnyRelayedMessage(String spoofedFrom) {
        List<Peer> p = peersWithRoom("lobby", 2, "alice", "bob");
        String[] messages = {
            "{\"type\":\"room_message\",\"room\":\"lobby\",\"from\":" + spoofedFrom + ",\"content\":\"x\"}",
            "{\"type\":\"private_message\",\"to\":\"alice\",\"from\":" + spoofedFrom + ",\"content\":\"x\"}",
            "{\"type\":\"broadcast\",\"from\":" + spoofedFrom + ",\"content\":\"x\"}",
        };

        for (String message : messages) {
            p.get(1).send(message);

            String relayed = p.get(0).next();
            assertThat(json(relayed).get("from").textValue()).isEqualTo("bob");
            assertThat(relayed).doesNotContain("mallory");
        }
        p.get(0).expectOnlyPong();
    }

    // ---- private_message ----

    @Test
    void aPrivateMessageReachesOnlyItsTargetWithFrom() {
        List<Peer> p = peers("alice", "bob", "carol");
        String sent = "{\"type\":\"private_message\",\"to\":\"bob\",\"content\":\"psst\",\"data\":" + RICH_DATA + "}";

        p.get(0).send(sent);

        assertRelayedUnchangedWithFrom(p.get(1).next(), sent, "alice");
        p.forEach(Peer::expectOnlyPong);
    }

    @Test
    void aPrivateMessageToItselfIsDeliveredToItself() {
        List<Peer> p = peers("alice", "bob");

        p.get(0).send("{\"type\":\"private_message\",\"to\":\"alice\",\"content\":\"note to self\"}");

        p.get(0).expectJson("{\"type\":\"private_message\",\"to\":\"alice\",\"content\":\"note to self\",\"from\":\"alice\"}");
        p.forEach(Peer::expectOnlyPong);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ",\"to\":\"nobody\"",
        "",
        ",\"to\":null",
        ",\"to\":7",
        ",\"to\":true",
        ",\"to\":[\"bob\"]",
        ",\"to\":{\"id\":\"bob\"}",
        ",\"to\":\"\"",
        ",\"to\":\"BOB\"",
        ",\"to\":\"bob \""
    })
    void aPrivateMessageToAnUnknownMissingOrNonStringTargetIsRefused(String toField) {
        List<Peer> p = peers("alice", "bob");

        p.get(0).send("{\"type\":\"private_message\"" + toField + ",\"content\":\"hello?\"}");

        p.get(0).expectError("User not found");
        p.forEach(Peer::expectOnlyPong);
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
    }

    @Test
    void aPrivateMessageToASessionThatHasClosedIsRefused() {
        List<Peer> p = peers("alice", "bob");
        p.get(1).client().close();
        p.get(0).discardReceived();

        p.get(0).send("{\"type\":\"private_message\",\"to\":\"bob\",\"content\":\"still there?\"}");

        p.get(0).expectError("User not found");
        p.get(0).expectOnlyPong();
    }

    // ---- broadcast and ping ----

    @Test
    void aBroadcastReachesEveryoneElseOnceWithFromWhateverTheirRooms() {
        List<Peer> p = peers("alice", "bob", "carol", "dave", "erin", "frank");
        p.get(1).joinRoom("lobby");
        p.forEach(Peer::discardReceived);
        String sent = "{\"type\":\"broadcast\",\"content\":\"hear ye\",\"data\":" + RICH_DATA + "}";

        p.get(0).send(sent);

        for (Peer other : p.subList(1, p.size())) {
            assertRelayedUnchangedWithFrom(other.next(), sent, "alice");
        }
        p.forEach(Peer::expectOnlyPong); // once each, and the sender hears nothing
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\"}", "{\"type\":\"ping\",\"content\":\"extra\",\"n\":[1]}", "  {\"type\" : \"ping\"}\n"})
    void aPingIsAnsweredWithPong(String ping) {
        List<Peer> p = peers("alice", "bob");

        p.get(0).send(ping);

        p.get(0).expect("{\"type\":\"pong\"}");
        p.forEach(Peer::expectOnlyPong);
    }

    // ---- disconnect ----

    /** The ways a session can end; each must say goodbye the same way. */
    enum Ending {
        CLIENT_CLOSE(peer -> peer.client().close(1000, "bye")),
        CONNECTION_DROPPED(peer -> peer.client().abort()),
        CLOSED_BY_THE_HUB(peer -> peer.send("x".repeat(512 * 1024 + 1))); // too big: the hub closes with 1009

        final Consumer<Peer> end;

        Ending(Consumer<Peer> end) {
            this.end = end;
        }
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void aDisconnectTellsEachOfItsRoomsBeforeItTellsEveryone(Ending ending) {
        List<Peer> p = peers("leaver", "red", "blue", "both", "none");
        Peer leaver = p.get(0);
        leaver.joinRoom("red");
        leaver.joinRoom("blue");
        p.get(1).joinRoom("red");
        p.get(2).joinRoom("blue");
        p.get(3).joinRoom("red");
        p.get(3).joinRoom("blue");
        p.forEach(Peer::discardReceived);

        ending.end.accept(leaver);

        String leftRed = "{\"type\":\"user_left_room\",\"room\":\"red\",\"userId\":\"leaver\"}";
        String leftBlue = "{\"type\":\"user_left_room\",\"room\":\"blue\",\"userId\":\"leaver\"}";
        String left = "{\"type\":\"user_left\",\"id\":\"leaver\"}";
        p.get(1).expect(leftRed);
        p.get(1).expect(left);
        p.get(2).expect(leftBlue);
        p.get(2).expect(left);
        List<String> both = List.of(p.get(3).next(), p.get(3).next());
        assertThat(both).containsExactlyInAnyOrder(leftRed, leftBlue);
        p.get(3).expect(left);
        p.get(4).expect(left);
        p.subList(1, p.size()).forEach(Peer::expectOnlyPong);
        assertThat(leaver.client().isClosed()).isTrue();
    }

    @Test
    void aDisconnectRemovesTheRoomsItLeavesEmpty() {
        List<Peer> p = peers("alice", "bob");
        p.get(0).joinRoom("solo");
        p.get(0).joinRoom("shared");
        p.get(1).joinRoom("shared");

        p.get(0).client().close();

        assertThat(server.hub().rooms().names()).containsExactly("shared");
        assertThat(server.hub().rooms().members("shared")).containsExactly("bob");
    }

    // ---- errors ----

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                   // absent
        ",\"room\":null",
        ",\"room\":5",
        ",\"room\":true",
        ",\"room\":[\"lobby\"]",
        ",\"room\":{\"name\":\"lobby\"}",
        ",\"room\":\"\"",
        ",\"room\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", // 65 characters
        ",\"room\":\"a b\"",
        ",\"room\":\"a/b\"",
        ",\"room\":\"a#b\"",
        ",\"room\":\"a*b\"",
        ",\"room\":\"caf\u00e9\"",
        ",\"room\":\"lobby\\n\"",
        ",\"room\":\" lobby\"",
        ",\"room\":\"lobby\\u0000\""
    })
    void anInvalidRoomNameIsRefusedFirstByEveryTypeThatNamesARoom(String roomField) {
        List<Peer> p = peers("alice", "bob");
        p.get(1).joinRoom("lobby");
        p.forEach(Peer::discardReceived);

        for (String type : List.of("join_room", "leave_room", "room_message")) {
            p.get(0).send("{\"type\":\"" + type + "\"" + roomField + ",\"content\":\"x\"}");
            p.get(0).expectError("Invalid room name"); // not "Not in room": the name is checked first
            p.get(0).expectOnlyPong();
        }
        p.get(1).expectOnlyPong();
        assertThat(server.hub().rooms().names()).containsExactly("lobby");
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(3);
    }

    @Test
    void anInvalidRoomNameIsRefusedEvenFromAMemberOfAValidRoom() {
        List<Peer> p = peersWithRoom("lobby", 2, "alice", "bob");

        p.get(0).send("{\"type\":\"room_message\",\"room\":\"lobby!\",\"content\":\"x\"}");

        p.get(0).expectError("Invalid room name");
        p.forEach(Peer::expectOnlyPong);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a", "Z", "0", "_", ".", ":", "-", "...", "lobby", "Room_1.2:3-x", "ABCXYZabcxyz0189_.:-",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" // 64 characters
    })
    void everyValidRoomNameWorksForJoiningSpeakingAndLeaving(String room) {
        List<Peer> p = peers("alice", "bob");
        String quoted = Peer.quote(room);

        p.get(0).send("{\"type\":\"join_room\",\"room\":" + quoted + "}");
        p.get(0).expect("{\"type\":\"room_joined\",\"room\":" + quoted + ",\"members\":[\"alice\"]}");
        p.get(1).send("{\"type\":\"join_room\",\"room\":" + quoted + "}");
        p.get(1).expect("{\"type\":\"room_joined\",\"room\":" + quoted + ",\"members\":[\"alice\",\"bob\"]}");
        p.get(0).expect("{\"type\":\"user_joined_room\",\"room\":" + quoted + ",\"userId\":\"bob\"}");
        p.get(0).send("{\"type\":\"room_message\",\"room\":" + quoted + ",\"content\":\"hi\"}");
        p.get(1).expectJson("{\"type\":\"room_message\",\"room\":" + quoted + ",\"content\":\"hi\",\"from\":\"alice\"}");
        p.get(0).send("{\"type\":\"leave_room\",\"room\":" + quoted + "}");
        p.get(1).expect("{\"type\":\"user_left_room\",\"room\":" + quoted + ",\"userId\":\"alice\"}");

        p.forEach(Peer::expectOnlyPong);
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"content\":\"no type\"}",
        "{\"type\":\"\"}",
        "{\"type\":null}",
        "{\"type\":5}",
        "{\"type\":true}",
        "{\"type\":[\"ping\"]}",
        "{\"type\":{\"name\":\"ping\"}}"
    })
    void aMessageWithoutAStringTypeIsRefusedAsMissingItsType(String message) {
        List<Peer> p = peers("alice");

        p.get(0).send(message);

        p.get(0).expectError("Missing message type");
        p.get(0).expectOnlyPong();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dance", "PING", "Join_Room", "echo", " ping", "ping ", "with \"quotes\" and \\ and \u00e9"})
    void aMessageOfAnUnknownTypeIsRefusedNamingTheType(String type) {
        List<Peer> p = peers("alice");

        p.get(0).send("{\"type\":" + Peer.quote(type) + ",\"room\":\"lobby\"}");

        p.get(0).expectError("Unknown message type: " + type);
        p.get(0).expectOnlyPong();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
    }

    @Test
    void aStreamOfErrorsNeverClosesTheConnection() {
        server = HubFixture.rooms();
        Peer alice = server.settledPeers("alice").get(0);
        String[] bad = {"nope", "[]", "{}", "{\"type\":\"dance\"}", "{\"type\":\"join_room\"}",
            "{\"type\":\"leave_room\",\"room\":\"x\"}", "{\"type\":\"room_message\",\"room\":\"x\"}",
            "{\"type\":\"private_message\",\"to\":\"nobody\"}"};

        for (int round = 0; round < 10; round++) {
            for (String message : bad) {
                alice.send(message);
                assertThat(alice.nextJson().get("type").textValue()).isEqualTo("error");
            }
        }

        alice.expectOnlyPong();
        assertThat(alice.client().isClosed()).isFalse();
        assertThat(server.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(10L * bad.length);
    }

    /**
     * Checks that {@code relayed} is the object {@code sent} with {@code from} set, and that the
     * numbers a lax encoder would change kept their exact text.
     */
    static void assertRelayedUnchangedWithFrom(String relayed, String sent, String from) {
        ObjectNode expected = (ObjectNode) json(sent);
        expected.put("from", from);
        JsonNode actual = json(relayed);
        assertThat(actual).isEqualTo(expected);
        if (sent.contains(RICH_DATA)) {
            JsonNode numbers = actual.get("data").get("numbers");
            assertThat(numbers.get(2).decimalValue()).isEqualTo(new BigDecimal("2.50")); // scale 2 kept
            assertThat(numbers.get(3).decimalValue()).isEqualTo(new BigDecimal("0.1000000000000000000001"));
            assertThat(numbers.get(4).decimalValue()).isEqualTo(new BigDecimal("1e400"));
            assertThat(numbers.get(6).bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
            assertThat(numbers.get(7).bigIntegerValue()).isEqualTo(new BigInteger("-9223372036854775809"));
            assertThat(relayed).contains("2.50", "0.1000000000000000000001", "123456789012345678901234567890");
            assertThat(actual.get("data").get("text").textValue()).isEqualTo(
                    "h\u00e9llo w\u00f6rld \u4e2d\u6587 \uD83D\uDE00 \"quoted\" back\\slash \n\t \u0000 \u00e9 \uD83D\uDE00");
        }
    }
}
