package io.wshub;

import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the hub decides before any WebSocket frame (docs/protocol.md): origin, authentication, the
 * {@code ?id=} rules, the connection limit, shutdown, and the handshake timeout.
 */
class AdmissionTest {

    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private Admission admit(Handshake handshake) {
        return server.hub().acceptor().admit(handshake);
    }

    private static Handshake.Builder upgrade() {
        return Handshake.builder().path("/ws");
    }

    private static Handshake withId(String id) {
        return upgrade().queryParameter("id", id).build();
    }

    private static Handshake withOrigin(String origin, String host) {
        Handshake.Builder h = upgrade();
        if (origin != null) {
            h.header("Origin", origin);
        }
        if (host != null) {
            h.header("Host", host);
        }
        return h.build();
    }

    /** Admits, expecting acceptance, and gives the reservation back at once. */
    private void assertAccepted(Handshake handshake) {
        Admission a = admit(handshake);
        assertThat(a).isInstanceOf(Admission.Accepted.class);
        ((Admission.Accepted) a).abandon();
    }

    private void assertRefused(Handshake handshake, int status) {
        assertThat(admit(handshake)).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.status()).isEqualTo(status));
    }

    /** Asserts that connecting as this id is refused with this HTTP status. */
    private void assertConnectRefused(String id, int status) {
        assertThatThrownBy(() -> server.connect(id)).isInstanceOfSatisfying(UpgradeRefusedException.class,
                e -> assertThat(e.status()).isEqualTo(status));
    }

    // ---- origin ----

    @ParameterizedTest(name = "Origin {0}, Host {1}")
    @CsvSource(nullValues = "NONE", value = {
        "NONE, example.com",                                   // a non-browser client
        "NONE, NONE",
        "http://example.com, example.com",
        "http://example.com:8080, example.com:8080",
        "https://example.com, example.com",                    // 443 on both sides
        "http://example.com:80, example.com",                  // an explicit default port
        "http://example.com, example.com:80",
        "https://example.com:443, example.com:443",
        "http://EXAMPLE.com, example.COM",                     // hosts compare without case
        "HTTP://example.com, example.com",
        "http://[::1]:8080, [::1]:8080",                       // IPv6
        "http://127.0.0.1:9000, 127.0.0.1:9000",
        "http://example.com/, example.com"
    })
    void aSameOriginOrOriginlessUpgradePasses(String origin, String host) {
        server = HubFixture.rooms();

        assertAccepted(withOrigin(origin, host));
    }

    @ParameterizedTest(name = "Origin {0}, Host {1}")
    @CsvSource(nullValues = "NONE", value = {
        "null, example.com",
        "http://evil.example, example.com",
        "http://example.com:8080, example.com",                // another port
        "http://example.com, example.com:8080",
        "https://example.com, example.com:80",                 // another scheme's port
        "http://example.com.evil.example, example.com",
        "http://sub.example.com, example.com",
        "http://example.com, NONE",                            // nothing to compare with
        "http://example.com/app, example.com",                 // an origin has no path
        "http://user@example.com, example.com",
        "http://[::1]:8080, [::2]:8080",
        "example.com, example.com",                            // no scheme
        "file://, example.com",
        "'', example.com",
        "not an origin, example.com"
    })
    void anyOtherOriginIsRefusedWith403(String origin, String host) {
        server = HubFixture.rooms();

        assertThat(admit(withOrigin(origin, host))).isEqualTo(new Admission.Refused(403, "Origin not allowed"));
        assertThat(server.hub().stats().connects()).isZero();
    }

    @Test
    void anOriginInTheAllowListPassesWhateverTheHost() {
        OriginPolicy policy = OriginPolicy.sameOriginOr(List.of("https://app.example.com", "http://localhost:3000"));
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).originPolicy(policy));

        assertAccepted(withOrigin("https://app.example.com", "api.example.com"));
        assertAccepted(withOrigin("https://APP.example.com:443", "api.example.com"));
        assertAccepted(withOrigin("http://localhost:3000", "api.example.com"));
        assertAccepted(withOrigin("https://api.example.com", "api.example.com")); // same origin still passes
        assertRefused(withOrigin("http://app.example.com", "api.example.com"), 403); // another scheme
        assertRefused(withOrigin("http://localhost:3001", "api.example.com"), 403);
        assertRefused(withOrigin("null", "api.example.com"), 403);
    }

    @Test
    void theOriginHeaderIsFoundWhateverTheCaseOfItsName() {
        server = HubFixture.rooms();

        assertRefused(upgrade().header("origin", "http://evil.example").header("host", "example.com").build(), 403);
        assertAccepted(upgrade().header("ORIGIN", "http://example.com").header("HOST", "example.com").build());
    }

    @Test
    void aRefusedOriginOpensNothing() {
        server = HubFixture.rooms();

        assertThatThrownBy(() -> server.transport().connect(withOrigin("http://evil.example", "example.com")))
                .isInstanceOfSatisfying(UpgradeRefusedException.class, e -> assertThat(e.status()).isEqualTo(403));

        assertThat(server.hub().sessionCount()).isZero();
    }

    // ---- OriginPolicy parsing ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
        "http://example.com, http://example.com:80",
        "https://example.com, https://example.com:443",
        "ws://example.com, ws://example.com:80",
        "wss://example.com, wss://example.com:443",
        "http://example.com:80, http://example.com:80",
        "https://example.com:8443, https://example.com:8443",
        "HTTPS://Example.COM, https://example.com:443",
        "http://example.com/, http://example.com:80",
        "http://[::1], http://[::1]:80",
        "http://[::1]:8080, http://[::1]:8080",
        "http://[2001:DB8::1]:8080, http://[2001:db8::1]:8080",
        "ftp://example.com:21, ftp://example.com:21",
        "ftp://example.com, NONE",                             // no known default port
        "http://example.com/path, NONE",
        "http://example.com?q=1, NONE",
        "http://example.com#frag, NONE",
        "http://user:pw@example.com, NONE",
        "null, NONE",
        "example.com, NONE",
        "'', NONE",
        "http://, NONE",
        "http://exa mple.com, NONE"
    })
    void originsNormalizeToSchemeLowerCaseHostAndPort(String origin, String normalized) {
        assertThat(OriginPolicy.normalize(origin).orElse(null)).isEqualTo(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "example.com", "https://example.com/app", "ftp://example.com", ""})
    void anAllowListEntryThatIsNoOriginIsRejectedWhenThePolicyIsBuilt(String entry) {
        assertThatThrownBy(() -> OriginPolicy.sameOriginOr(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + entry + "'");
    }

    @Test
    void theAnyPolicyLetsEveryOriginIn() {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).originPolicy(OriginPolicy.any()));

        assertAccepted(withOrigin("http://anywhere.example", "example.com"));
    }

    // ---- authentication ----

    @Test
    void anAuthenticatorsRefusalsBecomeTheirStatusWithTheirReason() {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).authenticator(h ->
                switch (h.header("Authorization").orElse("")) {
                    case "" -> Authenticator.Result.unauthorized("Token required");
                    case "Bearer banned" -> Authenticator.Result.forbidden("Banned");
                    default -> Authenticator.Result.anonymous();
                }));

        assertThat(admit(upgrade().build())).isEqualTo(new Admission.Refused(401, "Token required"));
        assertThat(admit(upgrade().header("Authorization", "Bearer banned").build()))
                .isEqualTo(new Admission.Refused(403, "Banned"));
        assertAccepted(upgrade().header("Authorization", "Bearer fine").build());
        assertThat(server.hub().stats().connects()).isZero();
    }

    @Test
    void aRefusalWithoutAReasonIsGivenOne() {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).authenticator(h ->
                h.header("Authorization").isEmpty() ? Authenticator.Result.unauthorized("") : Authenticator.Result.forbidden("")));

        assertThat(admit(upgrade().build())).isEqualTo(new Admission.Refused(401, "Unauthorized"));
        assertThat(admit(upgrade().header("Authorization", "x").build())).isEqualTo(new Admission.Refused(403, "Forbidden"));
    }

    @Test
    void aRefusedOriginIsNeverShownToTheAuthenticator() {
        AtomicInteger asked = new AtomicInteger();
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).authenticator(h -> {
            asked.incrementAndGet();
            return Authenticator.Result.anonymous();
        }));

        assertRefused(withOrigin("http://evil.example", "example.com"), 403);

        assertThat(asked).hasValue(0);
    }

    @Test
    void thePrincipalTheAuthenticatorNamesReachesTheSession() {
        Principal carol = () -> "carol@example.com";
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build())
                .authenticator(h -> Authenticator.Result.accept(carol)));

        Peer peer = server.connect("c1");

        Session session = server.hub().session(peer.id()).orElseThrow();
        assertThat(session.principal()).containsSame(carol);
    }

    @Test
    void theSessionIdTheAuthenticatorFixesIsTheSessionsId() {
        Principal dave = () -> "dave";
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build())
                .authenticator(h -> Authenticator.Result.accept(dave, "dave")));

        assertAccepted(withId("dave")); // asking for the same id is fine
        Peer unasked = new Peer(server.transport().connect(upgrade().build()));

        assertThat(unasked.id()).isEqualTo("dave");
        assertThat(server.hub().session("dave")).isPresent();
    }

    @Test
    void aRequestedIdOtherThanTheOneTheAuthenticatorFixesIsRefusedWith403() {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build())
                .authenticator(h -> Authenticator.Result.accept(() -> "dave", "dave")));

        assertThat(admit(withId("mallory"))).isEqualTo(
                new Admission.Refused(403, "Session id does not match the credentials"));
    }

    @Test
    void aMalformedIdFromTheAuthenticatorIsRefusedWith403() {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build())
                .authenticator(h -> Authenticator.Result.accept(() -> "x", "no spaces allowed")));

        assertThat(admit(upgrade().build())).isEqualTo(
                new Admission.Refused(403, "Invalid session id in the credentials"));
    }

    @Test
    void aRefusalCannotFixASessionId() {
        assertThatThrownBy(() -> new Authenticator.Result(false, null, 401, "no", "dave"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session id");
    }

    @Test
    void anAnonymousSessionHasNoPrincipal() {
        server = HubFixture.rooms();

        Peer peer = server.connect("anon");

        assertThat(server.hub().session(peer.id()).orElseThrow().principal()).isEmpty();
    }

    @Test
    void anAuthenticatorThatThrowsRefusesWith500AndOpensNothing() {
        AtomicInteger opened = new AtomicInteger();
        HubHandler counting = new HubHandler() {
            @Override
            public void onOpen(Session session) {
                opened.incrementAndGet();
            }
        };
        server = HubFixture.with(b -> b.handler(counting).options(HubOptions.builder().maxConnections(1).build())
                .authenticator(h -> {
                    throw new IllegalStateException("token service down");
                }));

        for (int i = 0; i < 3; i++) { // a slot would be leaked by the first, were it taken
            assertThat(admit(withId("alice"))).isInstanceOfSatisfying(Admission.Refused.class,
                    r -> assertThat(r.status()).isEqualTo(500));
        }

        assertThat(opened).hasValue(0);
        assertThat(server.hub().sessionCount()).isZero();
        assertThat(server.hub().stats().connects()).isZero();
    }

    // ---- session ids ----

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "_", ".", "-", "alice", "Alice.Smith-2_x",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) // 64 characters
    void aRequestedIdOfOneTo64AllowedCharactersIsGranted(String id) {
        server = HubFixture.rooms();

        Peer peer = server.connect(id);

        assertThat(peer.id()).isEqualTo(id);
        peer.expect(Peer.welcome(id));
        assertThat(server.hub().session(id)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 65 characters
        "a b", "a/b", "a:b", "a@b", "a+b", "a%20b", "caf\u00e9", "alice\n", " alice", "a\u0000"})
    void aMalformedIdIsRefusedWith400(String id) {
        server = HubFixture.rooms();

        assertConnectRefused(id, 400);
        assertThat(server.hub().sessionCount()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"alice, bob", "alice, alice"})
    void aRepeatedIdIsRefusedWith400(String first, String second) {
        server = HubFixture.rooms();

        assertRefused(upgrade().queryParameter("id", first).queryParameter("id", second).build(), 400);
    }

    @Test
    void aTakenIdIsRefusedWith409AndTheHolderKeepsIt() {
        server = HubFixture.rooms();
        Peer alice = server.connect("alice");
        alice.discardReceived();

        assertConnectRefused("alice", 409);

        alice.expectOnlyPong();
        assertThat(server.hub().sessionCount()).isEqualTo(1);
    }

    @Test
    void anIdHeldByAnUpgradeStillInProgressIsTaken() {
        server = HubFixture.rooms();
        Admission.Accepted pending = (Admission.Accepted) admit(withId("alice"));

        assertConnectRefused("alice", 409);

        pending.abandon();
        assertThat(server.connect("alice").id()).isEqualTo("alice");
    }

    @Test
    void anIdIsFreeAgainOnceItsSessionHasClosed() {
        server = HubFixture.rooms();
        server.connect("alice").client().close();

        Peer again = server.connect("alice");

        again.expect(Peer.welcome("alice"));
    }

    @Test
    void anIdIsFreeAgainOnceItsConnectionDropped() {
        server = HubFixture.rooms();
        server.connect("alice").client().abort();

        assertThat(server.connect("alice").id()).isEqualTo("alice");
    }

    @Test
    void withoutARequestedIdEachSessionIsAssignedAUniqueValidId() {
        server = HubFixture.with(b -> b.handler(new HubHandler() {
        }));
        Set<String> ids = new HashSet<>();

        for (int i = 0; i < 150; i++) {
            ids.add(server.connect().id());
        }

        assertThat(ids).hasSize(150).allSatisfy(id -> assertThat(id).matches("[A-Za-z0-9_.-]{1,64}"));
        assertThat(server.hub().sessions()).extracting(Session::id).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void theSessionIdParameterCanBeRenamed() {
        server = HubFixture.with(b -> b.handler(new HubHandler() {
        }).options(HubOptions.builder().sessionIdParameter("user").build()));

        Peer named = new Peer(server.transport().connect(upgrade().queryParameter("user", "alice").build()));
        Peer other = server.connect("bob"); // ?id= means nothing now

        assertThat(named.id()).isEqualTo("alice");
        assertThat(other.id()).isNotEqualTo("bob");
        assertRefused(upgrade().queryParameter("user", "a b").build(), 400);
    }

    @Test
    void anEmptySessionIdParameterNameAlwaysAssignsIds() {
        server = HubFixture.with(b -> b.handler(new HubHandler() {
        }).options(HubOptions.builder().sessionIdParameter("").build()));

        Peer peer = server.connect("alice");

        assertThat(peer.id()).isNotEqualTo("alice");
    }

    // ---- connection limit and shutdown ----

    @Test
    void theConnectionLimitRefusesWith503AndAClosedSessionFreesItsSlot() {
        server = HubFixture.rooms(HubOptions.builder().maxConnections(2).build());
        Peer a = server.connect("a");
        server.connect("b");

        assertThat(admit(withId("c"))).isEqualTo(new Admission.Refused(503, "Too many connections"));
        assertConnectRefused("c", 503);

        a.client().close();
        assertThat(server.connect("c").id()).isEqualTo("c");
        assertConnectRefused("d", 503);
    }

    @Test
    void upgradesInProgressCountAgainstTheConnectionLimit() {
        server = HubFixture.rooms(HubOptions.builder().maxConnections(1).build());
        Admission.Accepted pending = (Admission.Accepted) admit(withId("a"));

        assertConnectRefused("b", 503);

        pending.abandon();
        assertThat(server.connect("b").id()).isEqualTo("b");
    }

    @Test
    void refusalsForOtherReasonsHoldNoSlot() {
        server = HubFixture.rooms(HubOptions.builder().maxConnections(2).build());
        server.connect("holder");

        for (int i = 0; i < 3; i++) {
            assertConnectRefused("holder", 409);
            assertConnectRefused("bad id", 400);
        }

        assertThat(server.connect("next").id()).isEqualTo("next");
        assertConnectRefused("third", 503);
    }

    @Test
    void newConnectionsAreRefusedWith503WhileShuttingDown() {
        server = HubFixture.rooms();
        Peer alice = server.connect("alice");
        alice.client().answerClose(false); // keep the shutdown in progress

        server.hub().shutdown();

        assertThat(server.hub().isShuttingDown()).isTrue();
        assertThat(admit(withId("bob"))).isEqualTo(new Admission.Refused(503, "Server is shutting down"));
        assertThat(admit(upgrade().build())).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.status()).isEqualTo(503));
    }

    @Test
    void newConnectionsAreRefusedWith503AfterShutdown() {
        server = HubFixture.rooms();
        server.hub().shutdown().join();

        assertConnectRefused("bob", 503);
    }

    // ---- handshake timeout ----

    /** How long the hub may take to notice a deadline: its ticker runs at most once a second. */
    private static final Duration TICK = Duration.ofSeconds(1);

    @Test
    void anUpgradeNeverOpenedReleasesItsIdAndSlotAfterTheHandshakeTimeout() {
        Duration timeout = Duration.ofSeconds(3);
        server = HubFixture.rooms(HubOptions.builder().maxConnections(1).handshakeTimeout(timeout).build());
        assertThat(admit(withId("alice"))).isInstanceOf(Admission.Accepted.class);

        server.time().advance(timeout.minus(TICK));
        assertRefused(withId("alice"), 503); // the one slot is still held
        assertThat(server.hub().sessionCount()).isZero();

        server.time().advance(TICK.plus(TICK));
        Peer alice = server.connect("alice");
        alice.expect(Peer.welcome("alice"));
    }

    @Test
    void anUpgradeThatOpensAfterItsTimeoutIsClosedAndDoesNotDisturbTheIdsNewHolder() {
        Duration timeout = Duration.ofSeconds(3);
        server = HubFixture.rooms(HubOptions.builder().handshakeTimeout(timeout).build());
        Admission.Accepted late = (Admission.Accepted) admit(withId("alice"));
        server.time().advance(timeout.plus(TICK.multipliedBy(2)));
        Peer newAlice = server.connect("alice");
        newAlice.discardReceived();
        RecordingConnection connection = new RecordingConnection();

        ConnectionListener listener = late.open(connection);

        assertThat(connection.closedWith).hasSize(1);
        assertThat(connection.closedWith.get(0).code()).isEqualTo(1013);
        assertThat(connection.sent).isZero(); // no welcome: it never became a session
        listener.onText("{\"type\":\"broadcast\",\"content\":\"ghost\"}");
        listener.onClose(CloseStatus.NORMAL);
        newAlice.expectOnlyPong();
        assertThat(server.hub().session("alice")).isPresent();
        assertThat(server.hub().sessionCount()).isEqualTo(1);
    }

    @Test
    void anUpgradeOpenedInTimeKeepsItsIdAndSlotPastTheHandshakeTimeout() {
        Duration timeout = Duration.ofSeconds(3);
        server = HubFixture.rooms(HubOptions.builder().maxConnections(1).handshakeTimeout(timeout).build());
        Admission.Accepted accepted = (Admission.Accepted) admit(withId("alice"));
        server.time().advance(timeout.minus(TICK));
        RecordingConnection connection = new RecordingConnection();

        accepted.open(connection);
        server.time().advance(timeout.multipliedBy(3));

        assertThat(server.hub().session("alice")).isPresent();
        assertThat(connection.closedWith).isEmpty();
        assertThat(connection.sent).isEqualTo(1); // its welcome
        assertRefused(withId("bob"), 503);
    }

    @Test
    void anAbandonedUpgradeReleasesItsIdAndSlotAtOnce() {
        server = HubFixture.rooms(HubOptions.builder().maxConnections(1).build());
        Admission.Accepted pending = (Admission.Accepted) admit(withId("alice"));

        pending.abandon();
        pending.abandon(); // harmless

        assertThat(server.connect("alice").id()).isEqualTo("alice");
    }

    /** A connection that records what the hub asks of it. */
    private static final class RecordingConnection implements Connection {
        final List<CloseStatus> closedWith = new ArrayList<>();
        int sent;

        @Override
        public void send(Message[] frames, int count, SendCallback callback) {
            sent += count;
            callback.succeeded();
        }

        @Override
        public void ping(ByteBuffer payload) {
        }

        @Override
        public void close(CloseStatus status) {
            closedWith.add(status);
        }

        @Override
        public void abort() {
        }

        @Override
        public void demand() {
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }
    }
}
