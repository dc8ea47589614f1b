package io.wshub.jwt;

import io.wshub.Chunk;
import io.wshub.CloseStatus;
import io.wshub.Departure;
import io.wshub.Hub;
import io.wshub.Handshake;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.Session;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.ManualScheduler;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.wshub.jwt.Tokens.T0;
import static io.wshub.jwt.Tokens.hs256;
import static io.wshub.jwt.Tokens.valid;
import static org.assertj.core.api.Assertions.assertThat;

/** A token's meaning after the upgrade: its rooms, the close at its expiry, and the refresh that prevents it. */
class JwtSessionsTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final ManualScheduler time = new ManualScheduler();
    private HubFixture server;

    @BeforeEach
    void startHub() {
        start(Duration.ZERO);
    }

    private void start(Duration leeway) {
        if (server != null) {
            server.close();
        }
        JwtAuthenticator jwt = Tokens.authenticator(time).leeway(leeway).build();
        server = HubFixture.with(b -> b.scheduler(time).authenticator(jwt)
                .handler(JwtSessions.install(RoomProtocol.router(), jwt, time).build()));
    }

    @AfterEach
    void closeHub() {
        server.close();
    }

    private Peer connect(String token) {
        Peer peer = new Peer(server.transport().connect(Handshake.builder().path("/ws")
                .header("Authorization", "Bearer " + token).build()));
        peer.next("welcome");
        return peer;
    }

    @Test
    void theRoomsClaimLimitsWhichRoomsMayBeJoined() {
        Peer alice = connect(hs256(valid("alice", MINUTE).withArrayClaim("rooms", new String[] {"lobby", "team-*"})));

        alice.sendJson("join_room", "room", "admins");
        alice.expectError(JwtSessions.NOT_ALLOWED);
        assertThat(alice.join("team-red").get("room").textValue()).isEqualTo("team-red");
        assertThat(alice.join("lobby").get("room").textValue()).isEqualTo("lobby");
        assertThat(server.session("alice").rooms()).containsExactlyInAnyOrder("team-red", "lobby");
    }

    @Test
    void withoutARoomsClaimEveryRoomMayBeJoined() {
        Peer bob = connect(hs256(valid("bob", MINUTE)));

        assertThat(bob.join("admins").get("members")).hasSize(1);
    }

    @Test
    void theSessionIsClosedWith4001AtItsTokensExpiry() {
        Peer alice = connect(hs256(valid("alice", MINUTE)));

        time.advance(MINUTE.minusMillis(1));
        assertThat(alice.client().isClosed()).isFalse();
        time.advance(Duration.ofMillis(1));

        assertThat(alice.client().awaitClose(HubFixture.WAIT)).isEqualTo(new CloseStatus(4001, "Token expired"));
    }

    @Test
    void aProtocolClosedAtExpiryKeepsWhatItDeclaresAndHearsItsChunksAndDepartures() {
        server.close();
        JwtAuthenticator jwt = Tokens.authenticator(time).build();
        List<String> heard = new CopyOnWriteArrayList<>();
        HubHandler streaming = new HubHandler() {
            @Override
            public boolean streamsMessages() {
                return true;
            }

            @Override
            public boolean neverBlocks() {
                return true;
            }

            @Override
            public void onChunk(Session session, Chunk chunk) {
                heard.add("chunk " + chunk.data().remaining() + (chunk.isLast() ? " last" : ""));
                chunk.release();
            }

            @Override
            public void onDeparture(Hub hub, Departure departure) {
                heard.add("departure " + departure.sessionId());
            }
        };
        HubHandler wrapped = JwtSessions.closeAtExpiry(streaming, jwt, time);
        assertThat(wrapped.streamsMessages()).isTrue();
        assertThat(wrapped.neverBlocks()).isTrue();
        HubHandler plain = JwtSessions.closeAtExpiry(new HubHandler() { }, jwt, time);
        assertThat(plain.streamsMessages()).isFalse();
        assertThat(plain.neverBlocks()).isFalse();

        server = HubFixture.with(b -> b.scheduler(time).authenticator(jwt).handler(wrapped));
        InMemoryClient alice = server.transport().connect(Handshake.builder().path("/binary")
                .header("Authorization", "Bearer " + hs256(valid("alice", MINUTE))).build());
        alice.sendChunk(false, new byte[] {1, 2, 3}, false);
        alice.sendChunk(false, new byte[] {4, 5}, true);
        wrapped.onDeparture(server.hub(), new Departure("bob", Set.of("lobby")));

        assertThat(heard).containsExactly("chunk 3", "chunk 2 last", "departure bob");
    }

    @Test
    void aProtocolWithoutRefreshHasItsSessionsClosedAtExpiryAndHearsEverythingElse() throws Exception {
        server.close();
        JwtAuthenticator jwt = Tokens.authenticator(time).build();
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        HubHandler echo = new HubHandler() {
            @Override
            public void onOpen(Session session) {
                heard.add("open " + session.id());
            }

            @Override
            public void onText(Session session, String text) {
                session.send(Message.text(text));
            }

            @Override
            public void onClose(Session session, CloseStatus status) {
                closed.complete(status);
            }
        };
        server = HubFixture.with(b -> b.scheduler(time).authenticator(jwt).handler(JwtSessions.closeAtExpiry(echo, jwt, time)));
        InMemoryClient alice = server.transport().connect(Handshake.builder().path("/echo")
                .header("Authorization", "Bearer " + hs256(valid("alice", MINUTE))).build());
        alice.sendText("hello");
        assertThat(alice.nextText(HubFixture.WAIT)).isEqualTo("hello");

        time.advance(MINUTE.minusMillis(1));
        assertThat(alice.isClosed()).isFalse();
        time.advance(Duration.ofMillis(1));

        assertThat(alice.awaitClose(HubFixture.WAIT)).isEqualTo(JwtSessions.TOKEN_EXPIRED);
        assertThat(closed.get(HubFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the handler hears the close")
                .isEqualTo(JwtSessions.TOKEN_EXPIRED);
        assertThat(heard).containsExactly("open alice");
    }

    @Test
    void theLeewayDelaysTheCloseAsItDelaysTheRefusal() {
        start(Duration.ofSeconds(30));
        Peer alice = connect(hs256(valid("alice", MINUTE)));

        time.advance(MINUTE.plusSeconds(29));
        assertThat(alice.client().isClosed()).isFalse();
        time.advance(Duration.ofSeconds(1));

        assertThat(alice.client().awaitClose(HubFixture.WAIT)).isEqualTo(JwtSessions.TOKEN_EXPIRED);
    }

    @Test
    void aRefreshWithANewerTokenPreventsTheCloseUntilItsOwnExpiry() {
        Peer alice = connect(hs256(valid("alice", MINUTE)));
        time.advance(Duration.ofSeconds(50));

        alice.sendJson("refresh", "token", hs256(valid("alice", Duration.ofMinutes(5))));
        alice.expectJson("{\"type\":\"refreshed\",\"exp\":" + T0.plus(Duration.ofMinutes(5)).getEpochSecond() + "}");
        time.advance(Duration.ofMinutes(4).plusSeconds(9));
        assertThat(alice.client().isClosed()).as("open past the first token's expiry").isFalse();
        alice.expectOnlyPong();
        time.advance(Duration.ofSeconds(1));

        assertThat(alice.client().awaitClose(HubFixture.WAIT)).isEqualTo(JwtSessions.TOKEN_EXPIRED);
    }

    @Test
    void aRefreshThatDoesNotPassIsAnsweredInvalidTokenAndChangesNothing() {
        Peer alice = connect(hs256(valid("alice", MINUTE)));

        alice.sendJson("refresh", "token", "garbage");
        alice.expectError(JwtSessions.INVALID_TOKEN);
        alice.sendJson("refresh", "token", hs256(valid("mallory", Duration.ofHours(1))));
        alice.expectError(JwtSessions.INVALID_TOKEN);
        alice.sendJson("refresh", "token", hs256(valid("alice", Duration.ofSeconds(30))));
        alice.expectError(JwtSessions.INVALID_TOKEN); // expires sooner: not newer
        alice.send("{\"type\":\"refresh\",\"token\":42}");
        alice.expectError(JwtSessions.INVALID_TOKEN);
        alice.sendJson("refresh", "token", hs256(valid("alice", Duration.ofHours(1)).withIssuer("https://evil.example")));
        alice.expectError(JwtSessions.INVALID_TOKEN);
        time.advance(MINUTE);

        assertThat(alice.client().awaitClose(HubFixture.WAIT)).isEqualTo(JwtSessions.TOKEN_EXPIRED);
    }

    @Test
    void aRefreshedTokensRoomsClaimGovernsLaterJoins() {
        Peer alice = connect(hs256(valid("alice", MINUTE).withArrayClaim("rooms", new String[] {"lobby"})));

        alice.sendJson("refresh", "token", hs256(valid("alice", Duration.ofMinutes(2)).withArrayClaim("rooms", new String[] {"ops"})));
        alice.next("refreshed");
        alice.sendJson("join_room", "room", "lobby");
        alice.expectError(JwtSessions.NOT_ALLOWED);

        assertThat(alice.join("ops").get("room").textValue()).isEqualTo("ops");
    }

    @Test
    void aClosedSessionLeavesNoExpiryCheckBehind() {
        Peer alice = connect(hs256(valid("alice", Duration.ofHours(1))));
        int before = time.pendingTasks();

        alice.close();
        alice.client().awaitClose(HubFixture.WAIT);

        assertThat(time.pendingTasks()).isLessThan(before);
    }

    @Test
    void aResumedSessionIsGovernedByTheTokenItWasResumedWith() {
        server.close();
        JwtAuthenticator jwt = Tokens.authenticator(time).build();
        server = HubFixture.with(b -> b.scheduler(time).authenticator(jwt)
                .options(HubOptions.builder().resumeWindow(Duration.ofMinutes(2)).build())
                .handler(JwtSessions.install(RoomProtocol.router(), jwt, time).build()));
        Peer alice = new Peer(server.transport().connect(Handshake.builder().path("/ws")
                .header("Authorization", "Bearer " + hs256(valid("alice", MINUTE))).build()));
        String resume = alice.next("welcome").get("resume").asText();
        server.network().connection("alice").cut();
        time.advance(Duration.ofSeconds(30));

        Peer mallory = new Peer(server.transport().connect(Handshake.builder().path("/ws").queryParameter("resume", resume)
                .header("Authorization", "Bearer " + hs256(valid("mallory", MINUTE))).build()));
        assertThat(mallory.next("welcome").get("id").asText()).as("another subject resumes nothing").isEqualTo("mallory");

        Peer back = new Peer(server.transport().connect(Handshake.builder().path("/ws").queryParameter("resume", resume)
                .header("Authorization", "Bearer " + hs256(valid("alice", Duration.ofMinutes(5)))).build()));
        assertThat(back.next("welcome").get("resumed").asBoolean()).isTrue();
        time.advance(Duration.ofMinutes(4));
        assertThat(back.client().isClosed()).as("past the first token's expiry").isFalse();
        time.advance(Duration.ofSeconds(31));
        assertThat(back.client().awaitClose(HubFixture.WAIT)).isEqualTo(JwtSessions.TOKEN_EXPIRED);
    }
}
