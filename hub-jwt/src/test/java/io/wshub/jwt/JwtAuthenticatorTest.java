package io.wshub.jwt;

import com.auth0.jwt.algorithms.Algorithm;
import io.wshub.Handshake;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.ManualScheduler;
import io.wshub.testing.Peer;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static io.wshub.jwt.Tokens.T0;
import static io.wshub.jwt.Tokens.hs256;
import static io.wshub.jwt.Tokens.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who gets in with which token (docs/security.md, "Authentication (JWT)"): all decided before the upgrade. */
class JwtAuthenticatorTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    /** A hub with the tests' authenticator on the fixture's own clock. */
    private HubFixture hub(java.util.function.UnaryOperator<JwtAuthenticator.Builder> configure) {
        ManualScheduler time = new ManualScheduler();
        server = HubFixture.with(b -> b.scheduler(time).handler(RoomProtocol.router().build())
                .authenticator(configure.apply(Tokens.authenticator(time)).build()));
        return server;
    }

    private static Handshake bearer(String token) {
        return Handshake.builder().path("/ws").header("Authorization", "Bearer " + token).build();
    }

    private void assertRefused(Handshake handshake, int status, String reason) {
        int sessions = server.hub().sessionCount();
        assertThatThrownBy(() -> server.transport().connect(handshake))
                .isInstanceOfSatisfying(UpgradeRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(reason);
                });
        assertThat(server.hub().sessionCount()).as("no session, no frame").isEqualTo(sessions);
    }

    static Stream<Arguments> refusals() {
        String good = hs256(valid("alice", HOUR));
        String[] parts = good.split("\\.");
        return Stream.of(
                Arguments.of("malformed", "not-a-jwt", 401, "Malformed token"),
                Arguments.of("bad signature", parts[0] + "." + parts[1] + "." + hs256(valid("x", HOUR)).split("\\.")[2],
                        401, "Invalid signature"),
                Arguments.of("other secret", valid("alice", HOUR).sign(Algorithm.HMAC256("another secret of thirty-two bytes!")),
                        401, "Invalid signature"),
                Arguments.of("alg none", valid("alice", HOUR).sign(Algorithm.none()), 401, "Unsupported algorithm"),
                Arguments.of("expired", hs256(valid("alice", HOUR).withExpiresAt(T0.minusSeconds(1))), 401, "Token expired"),
                Arguments.of("not yet valid", hs256(valid("alice", HOUR).withNotBefore(T0.plusSeconds(60))),
                        401, "Token not yet valid"),
                Arguments.of("no subject", hs256(valid("alice", HOUR).withSubject(null)), 401, "Token has no subject"),
                Arguments.of("rooms not a list", hs256(valid("alice", HOUR).withClaim("rooms", "lobby")), 401, "Malformed rooms claim"),
                Arguments.of("wrong issuer", hs256(valid("alice", HOUR).withIssuer("https://evil.example")), 403, "Wrong issuer"),
                Arguments.of("no issuer", hs256(valid("alice", HOUR).withIssuer(null)), 403, "Wrong issuer"),
                Arguments.of("wrong audience", hs256(valid("alice", HOUR).withAudience("billing")), 403, "Wrong audience"),
                Arguments.of("no audience", hs256(valid("alice", HOUR).withAudience((String[]) null)), 403, "Wrong audience"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aTokenThatDoesNotPassIsRefusedBeforeTheUpgrade(String what, String token, int status, String reason) {
        hub(jwt -> jwt);

        assertRefused(bearer(token), status, reason);
    }

    @Test
    void noTokenIsRefusedWith401() {
        hub(jwt -> jwt);

        assertRefused(Handshake.builder().path("/ws").build(), 401, "Missing token");
        assertRefused(Handshake.builder().path("/ws").header("Authorization", "Basic YWxpY2U6cHc=").build(), 401, "Missing token");
    }

    @Test
    void theSubjectIsTheSessionIdAndThePrincipal() {
        hub(jwt -> jwt);

        Peer alice = new Peer(server.transport().connect(bearer(hs256(valid("alice", HOUR)))));

        assertThat(alice.id()).isEqualTo("alice");
        assertThat(server.session("alice").principal()).hasValueSatisfying(p -> {
            assertThat(p).isInstanceOf(JwtPrincipal.class);
            assertThat(((JwtPrincipal) p).expiresAt()).contains(T0.plus(HOUR));
        });
    }

    @Test
    void anIdParameterMustNameTheSubject() {
        hub(jwt -> jwt);
        String token = hs256(valid("alice", HOUR));

        assertRefused(Handshake.builder().path("/ws").queryParameter("id", "mallory").header("Authorization", "Bearer " + token)
                .build(), 403, "Session id does not match");
        Peer alice = new Peer(server.transport().connect(Handshake.builder().path("/ws").queryParameter("id", "alice")
                .header("Authorization", "Bearer " + token).build()));
        assertThat(alice.id()).isEqualTo("alice");
    }

    @Test
    void theTokenMayComeAsAQueryParameterAndTheHeaderWins() {
        hub(jwt -> jwt);

        Peer fromQuery = new Peer(server.transport().connect(Handshake.builder().path("/ws")
                .queryParameter("token", hs256(valid("bob", HOUR))).build()));
        Peer headerFirst = new Peer(server.transport().connect(Handshake.builder().path("/ws")
                .queryParameter("token", "garbage").header("authorization", "bearer " + hs256(valid("carol", HOUR))).build()));

        assertThat(fromQuery.id()).isEqualTo("bob");
        assertThat(headerFirst.id()).isEqualTo("carol");
    }

    @Test
    void theQueryParameterCanBeTurnedOffOrRenamed() {
        hub(jwt -> jwt.queryParameter("access_token"));

        assertRefused(Handshake.builder().path("/ws").queryParameter("token", hs256(valid("bob", HOUR))).build(),
                401, "Missing token");
        assertThat(server.transport().connect(Handshake.builder().path("/ws")
                .queryParameter("access_token", hs256(valid("bob", HOUR))).build()).sessionId()).isEqualTo("bob");
    }

    @Test
    void theLeewayLetsInATokenThatExpiredOrStartsWithinIt() {
        hub(jwt -> jwt.leeway(Duration.ofSeconds(30)));

        server.transport().connect(bearer(hs256(valid("late", HOUR).withExpiresAt(T0.minusSeconds(20)))));
        server.transport().connect(bearer(hs256(valid("early", HOUR).withNotBefore(T0.plusSeconds(20)))));
        assertRefused(bearer(hs256(valid("later", HOUR).withExpiresAt(T0.minusSeconds(40)))), 401, "Token expired");

        assertThat(server.hub().session("late")).isPresent();
        assertThat(server.hub().session("early")).isPresent();
    }

    @Test
    void aSecretTakesHs256Hs384AndHs512() throws Exception {
        JwtAuthenticator jwt = Tokens.authenticator(new ManualScheduler()).build();

        for (Algorithm alg : List.of(Algorithm.HMAC256(Tokens.SECRET), Algorithm.HMAC384(Tokens.SECRET), Algorithm.HMAC512(Tokens.SECRET))) {
            assertThat(jwt.verify(valid("alice", HOUR).sign(alg)).subject()).isEqualTo("alice");
        }
    }

    @Test
    void anRsaPemKeyTakesRs256AndRefusesTokensSignedWithTheSecret() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        JwtAuthenticator jwt = JwtAuthenticator.publicKey(pem(pair)).clock(Tokens.clock(new ManualScheduler())).build();

        String signed = valid("alice", HOUR).sign(Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate()));

        assertThat(jwt.verify(signed).subject()).isEqualTo("alice");
        assertThatThrownBy(() -> jwt.verify(hs256(valid("alice", HOUR)))).hasMessage("Unsupported algorithm");
    }

    @Test
    void anEcPemKeyTakesEs256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        KeyPair other = generator.generateKeyPair();
        JwtAuthenticator jwt = JwtAuthenticator.publicKey(pem(pair)).clock(Tokens.clock(new ManualScheduler())).build();

        String signed = valid("alice", HOUR).sign(Algorithm.ECDSA256((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate()));
        String forged = valid("alice", HOUR).sign(Algorithm.ECDSA256((ECPublicKey) other.getPublic(), (ECPrivateKey) other.getPrivate()));

        assertThat(jwt.verify(signed).subject()).isEqualTo("alice");
        assertThatThrownBy(() -> jwt.verify(forged)).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.status()).isEqualTo(401)).hasMessage("Invalid signature");
    }

    @Test
    void theRoomsClaimBecomesPatterns() throws Exception {
        JwtAuthenticator jwt = Tokens.authenticator(new ManualScheduler()).build();

        JwtPrincipal limited = jwt.verify(hs256(valid("alice", HOUR).withArrayClaim("rooms", new String[] {"lobby", "team-*"})));
        JwtPrincipal free = jwt.verify(hs256(valid("bob", HOUR)));

        assertThat(limited.roomPatterns()).contains(List.of("lobby", "team-*"));
        assertThat(limited.mayJoin("lobby")).isTrue();
        assertThat(limited.mayJoin("team-red")).isTrue();
        assertThat(limited.mayJoin("lobby2")).isFalse();
        assertThat(limited.mayJoin("x.team-red")).isFalse();
        assertThat(free.roomPatterns()).isEmpty();
        assertThat(free.mayJoin("anything")).isTrue();
    }

    @Test
    void aShortSecretOrABadKeyIsRejectedWhenConfigured() {
        assertThatThrownBy(() -> JwtAuthenticator.hmac("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> JwtAuthenticator.publicKey("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openssl");
        assertThatThrownBy(() -> JwtAuthenticator.publicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither an RSA nor an EC key");
    }

    static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
