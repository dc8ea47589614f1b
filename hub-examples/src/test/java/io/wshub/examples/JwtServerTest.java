package io.wshub.examples;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.wshub.CloseStatus;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.ConnectionLostException;
import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.jetty.WsHubClient;
import io.wshub.jetty.TestClient;
import io.wshub.jwt.JwtSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The room server with a JWT secret (docs/security.md, "Authentication (JWT)"), over real sockets. */
class JwtServerTest {

    private static final String SECRET = "an example secret of at least 32 bytes";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    private ServerFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private ServerFixture start() throws Exception {
        f = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.JWT_SECRET, SECRET, Setting.JWT_ISSUER, "login",
                Setting.JWT_AUDIENCE, "chat"));
        return f;
    }

    private static JWTCreator.Builder token(String subject, Duration lifetime) {
        return JWT.create().withSubject(subject).withIssuer("login").withAudience("chat")
                .withExpiresAt(Instant.now().plus(lifetime));
    }

    /**
     * A token that expires soon but not before a loaded machine has upgraded with it: exp has whole
     * seconds (the fraction is dropped), so {@code now + 1 s} may leave a millisecond; this leaves 2-3 s.
     */
    private static JWTCreator.Builder expiringSoon(String subject) {
        return token(subject, Duration.ZERO).withExpiresAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void refusalsAreHttpStatusesBeforeTheUpgrade() throws Exception {
        start();

        assertThat(f.refusal("/ws", Map.of())).isEqualTo(401);
        assertThat(f.refusal("/ws", bearer("not.a.jwt"))).isEqualTo(401);
        assertThat(f.refusal("/ws", bearer(token("alice", Duration.ofMinutes(1)).sign(Algorithm.HMAC256(SECRET + "!"))))).isEqualTo(401);
        assertThat(f.refusal("/ws", bearer(token("alice", Duration.ofMinutes(-1)).sign(HS256)))).isEqualTo(401);
        assertThat(f.refusal("/ws", bearer(token("alice", Duration.ofMinutes(1)).withNotBefore(Instant.now().plusSeconds(60))
                .sign(HS256)))).isEqualTo(401);
        assertThat(f.refusal("/ws", bearer(token("alice", Duration.ofMinutes(1)).withIssuer("other").sign(HS256)))).isEqualTo(403);
        assertThat(f.refusal("/ws", bearer(token("alice", Duration.ofMinutes(1)).withAudience("other").sign(HS256)))).isEqualTo(403);
        assertThat(f.refusal("/ws?id=mallory", bearer(token("alice", Duration.ofMinutes(1)).sign(HS256)))).isEqualTo(403);
        assertThat(f.server.hubs().get("/ws").stats().connects()).isZero();
    }

    @Test
    void theSubjectIsTheIdTheRoomsClaimLimitsJoinsAndTheTokenMayComeInTheQuery() throws Exception {
        start();
        String token = token("alice", Duration.ofMinutes(1)).withArrayClaim("rooms", new String[] {"team-*"}).sign(HS256);

        TestClient alice = f.connect("/ws?token=" + token);

        assertThat(ServerFixture.json(alice.nextText()).get("id").textValue()).isEqualTo("alice");
        alice.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        ServerFixture.assertJson(alice.nextText(), "{\"type\":\"error\",\"error\":\"Not allowed\"}");
        alice.sendText("{\"type\":\"join_room\",\"room\":\"team-a\"}");
        assertThat(ServerFixture.json(alice.nextText()).get("type").textValue()).isEqualTo("room_joined");
    }

    @Test
    void theEchoAndBroadcastServersCloseAtExpiryWith4001Too() throws Exception {
        Map<Setting, Object> jwt = Map.of(Setting.JWT_SECRET, SECRET, Setting.JWT_ISSUER, "login", Setting.JWT_AUDIENCE, "chat");
        for (ExampleServer kind : List.of(ExampleServer.ECHO, ExampleServer.BROADCAST)) {
            try (ServerFixture server = ServerFixture.start(kind, jwt)) {
                String path = kind == ExampleServer.ECHO ? "/echo" : "/broadcast";
                assertThat(server.refusal(path, Map.of())).as("%s without a token", kind).isEqualTo(401);
                TestClient alice = server.connect(path, bearer(expiringSoon("alice").sign(HS256)));

                assertThat(alice.awaitClose(Duration.ofSeconds(10))).as("%s at expiry", kind).isEqualTo(JwtSessions.TOKEN_EXPIRED);
            }
        }
    }

    @Test
    void theServerClosesAtExpiryWith4001AndTheClientComesBackWithAFreshToken() throws Exception {
        start();
        AtomicInteger issued = new AtomicInteger();
        List<Integer> closeCodes = new CopyOnWriteArrayList<>();
        // The first token lives 2-3 s; the next ones an hour.
        ReconnectingClient client = WsHubClient.builder(f.ws("/ws").toString())
                .options(ClientOptions.builder().initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(200)).build())
                .token(() -> (issued.incrementAndGet() == 1 ? expiringSoon("alice") : token("alice", Duration.ofHours(1)))
                        .withClaim("n", issued.get()).sign(HS256))
                .listener(new ClientListener() {
                    @Override
                    public void onFailure(ClientFailure failure) {
                        if (failure.cause() instanceof ConnectionLostException lost) {
                            closeCodes.add(lost.status().code());
                        }
                    }
                })
                .connect();
        try {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(closeCodes).containsExactly(4001);
                assertThat(issued.get()).isEqualTo(2);
                assertThat(client.state()).isEqualTo(ClientState.OPEN);
            });
            assertThat(f.server.hubs().get("/ws").session("alice")).isPresent();
        } finally {
            client.close();
        }
    }

    @Test
    void aKeyFileThatIsNoPemPublicKeyOrBothKeysAreConfigErrors(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key");

        assertThatThrownBy(() -> Settings.with(Map.of(Setting.JWT_PUBLIC_KEY, key.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a PEM public key");
        assertThatThrownBy(() -> Settings.with(Map.of(Setting.JWT_PUBLIC_KEY, dir.resolve("missing.pem").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read jwtPublicKey");
        assertThatThrownBy(() -> Settings.with(Map.of(Setting.JWT_PUBLIC_KEY, key.toString(), Setting.JWT_SECRET, SECRET)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> Settings.with(Map.of(Setting.REQUIRE_AUTH, true)))
                .isInstanceOf(ConfigException.class).hasMessage("invalid settings: requireAuth (true, as given) needs jwtSecret or jwtPublicKey");
        assertThatThrownBy(() -> Settings.with(Map.of(Setting.JWT_SECRET, "short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 32 bytes");
    }
}
