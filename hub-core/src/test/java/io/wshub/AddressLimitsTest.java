package io.wshub;

import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Admission;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-address limits (docs/security.md): sessions per client address and a token bucket of
 * upgrades per address, refused with 429 and a retry-after before the origin and the authenticator
 * are asked; the client address found behind trusted proxies.
 */
class AddressLimitsTest {

    private static final String ALICE = "203.0.113.7";
    private static final String BOB = "198.51.100.9";

    private HubFixture server;
    private final AtomicInteger port = new AtomicInteger(40_000);

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private void start(AddressLimits limits) {
        start(HubOptions.builder().addressLimits(limits).build(), Authenticator.ANONYMOUS);
    }

    private void start(HubOptions options, Authenticator authenticator) {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).options(options).authenticator(authenticator));
    }

    private Handshake from(String ip) {
        return Handshake.builder().path("/ws").remoteAddress(new InetSocketAddress(ip, port.incrementAndGet())).build();
    }

    private InMemoryClient connect(String ip) {
        return server.transport().connect(from(ip));
    }

    private UpgradeRefusedException refusal(String ip) {
        try {
            connect(ip).close();
        } catch (UpgradeRefusedException e) {
            return e;
        }
        throw new AssertionError("the upgrade from " + ip + " was accepted");
    }

    private Admission admit(Handshake h) {
        return server.hub().acceptor().admit(h);
    }

    /** Admits, expecting acceptance, and gives the reservation back at once. */
    private void admitAndAbandon(String ip) {
        Admission a = admit(from(ip));
        assertThat(a).as("admission from " + ip).isInstanceOf(Admission.Accepted.class);
        ((Admission.Accepted) a).abandon();
    }

    // ---- sessions per address ----

    @Test
    void theSessionOverTheLimitOfAnAddressIsRefusedWith429AndATenSecondRetryAfter() {
        start(AddressLimits.of(3, 0, 1));
        for (int i = 0; i < 3; i++) {
            connect(ALICE);
        }

        UpgradeRefusedException fourth = refusal(ALICE);

        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.getMessage()).contains("Too many sessions from this address");
        assertThat(fourth.retryAfter()).contains(AddressLimits.SESSIONS_RETRY_AFTER).contains(Duration.ofSeconds(10));
        assertThat(server.hub().sessionCount()).isEqualTo(3);
    }

    @Test
    void anotherAddressIsServedWhileOneIsAtItsLimit() {
        start(AddressLimits.of(2, 0, 1));
        connect(ALICE);
        connect(ALICE);

        assertThat(refusal(ALICE).status()).isEqualTo(429);
        connect(BOB);
        connect(BOB);

        assertThat(server.hub().sessionCount()).isEqualTo(4);
    }

    @Test
    void aSessionThatClosesFreesItsAddressASlot() {
        start(AddressLimits.of(2, 0, 1));
        InMemoryClient first = connect(ALICE);
        connect(ALICE);
        assertThat(refusal(ALICE).status()).isEqualTo(429);

        first.close();
        first.awaitClose(HubFixture.WAIT);

        assertThat(connect(ALICE).sessionId()).isNotEmpty();
        assertThat(refusal(ALICE).status()).isEqualTo(429);
    }

    @Test
    void anUpgradeInProgressHoldsItsSlotUntilItIsAbandonedOrTimesOut() {
        start(AddressLimits.of(1, 0, 1));
        Admission pending = admit(from(ALICE));
        assertThat(pending).isInstanceOf(Admission.Accepted.class);
        assertThat(admit(from(ALICE))).isInstanceOf(Admission.Refused.class);

        ((Admission.Accepted) pending).abandon();
        Admission next = admit(from(ALICE));
        assertThat(next).isInstanceOf(Admission.Accepted.class);

        server.advance(server.hub().options().handshakeTimeout().plusSeconds(1)); // it never opens
        assertThat(admit(from(ALICE))).isInstanceOf(Admission.Accepted.class);
    }

    @Test
    void anUpgradeRefusedAfterTheAddressLimitsGivesItsSlotBack() {
        start(HubOptions.builder().addressLimits(AddressLimits.of(1, 0, 1)).build(),
                h -> h.header("Authorization").isPresent() ? Authenticator.Result.anonymous()
                        : Authenticator.Result.unauthorized("Token required"));
        for (int i = 0; i < 5; i++) {
            assertThat(admit(from(ALICE))).isEqualTo(new Admission.Refused(401, "Token required"));
        }

        Handshake withToken = from(ALICE).toBuilder().header("Authorization", "Bearer t").build();
        assertThat(admit(withToken)).isInstanceOf(Admission.Accepted.class);
    }

    @Test
    void anAddressOverItsLimitIsRefusedBeforeTheAuthenticatorIsAsked() {
        AtomicInteger asked = new AtomicInteger();
        start(HubOptions.builder().addressLimits(AddressLimits.of(1, 0, 1)).build(), h -> {
            asked.incrementAndGet();
            return Authenticator.Result.anonymous();
        });
        connect(ALICE);

        assertThat(refusal(ALICE).status()).isEqualTo(429);

        assertThat(asked).hasValue(1);
    }

    // ---- upgrades per second per address ----

    @Test
    void anAddressMayMakeItsBurstOfUpgradesAtOnceAndIsThenRefusedWithTheTimeToItsNextToken() {
        start(AddressLimits.of(0, 4, 10));
        for (int i = 0; i < 10; i++) {
            admitAndAbandon(ALICE);
        }

        Admission eleventh = admit(from(ALICE));

        assertThat(eleventh).isInstanceOfSatisfying(Admission.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.reason()).isEqualTo(Admission.Refused.TOO_MANY_UPGRADES_FROM_ADDRESS);
            assertThat(r.retryAfter()).isEqualTo(Duration.ofMillis(250)); // 4 tokens a second
            assertThat(r.retryAfterSeconds()).isEqualTo(1);               // as a Retry-After header says it
        });
        admitAndAbandon(BOB);
    }

    @Test
    void theBucketRefillsAtItsRateUpToItsBurst() {
        start(AddressLimits.of(0, 2, 3));
        for (int i = 0; i < 3; i++) {
            admitAndAbandon(ALICE);
        }
        assertThat(refusal(ALICE).status()).isEqualTo(429);

        server.advance(Duration.ofMillis(500)); // one token
        admitAndAbandon(ALICE);
        assertThat(refusal(ALICE).retryAfter()).contains(Duration.ofMillis(500));

        server.advance(Duration.ofMinutes(1)); // full again, but no fuller than the burst
        for (int i = 0; i < 3; i++) {
            admitAndAbandon(ALICE);
        }
        assertThat(refusal(ALICE).status()).isEqualTo(429);
    }

    @Test
    void theRetryAfterOfARefusalIsWhenTheNextUpgradeIsServed() {
        start(AddressLimits.of(0, 0.1, 1)); // one upgrade every 10 s
        admitAndAbandon(ALICE);
        server.advance(Duration.ofSeconds(3));

        Duration retryAfter = refusal(ALICE).retryAfter().orElseThrow();
        assertThat(retryAfter).isEqualTo(Duration.ofSeconds(7));

        server.advance(retryAfter.minusMillis(1));
        assertThat(refusal(ALICE).status()).isEqualTo(429);
        server.advance(Duration.ofMillis(1));
        admitAndAbandon(ALICE);
    }

    @Test
    void aRefusedUpgradeTakesNoTokenSoAClientThatWaitsAsToldIsServed() {
        start(AddressLimits.of(0, 1, 1));
        admitAndAbandon(ALICE);
        for (int i = 0; i < 100; i++) {
            assertThat(refusal(ALICE).status()).isEqualTo(429); // a client hammering meanwhile
        }

        server.advance(Duration.ofSeconds(1));

        admitAndAbandon(ALICE);
    }

    @Test
    void bothLimitsApplyAndARefusalAtTheSessionLimitTakesNoToken() {
        start(AddressLimits.of(2, 1, 3));
        InMemoryClient first = connect(ALICE);
        InMemoryClient second = connect(ALICE); // one token left
        assertThat(refusal(ALICE).getMessage()).contains("Too many sessions from this address");

        first.close();
        first.awaitClose(HubFixture.WAIT);
        connect(ALICE); // the last token
        second.close();
        second.awaitClose(HubFixture.WAIT);

        assertThat(refusal(ALICE).getMessage()).contains("Too many upgrades from this address");
    }

    // ---- which address ----

    @Test
    void ipv6AddressesCountByTheirSlash64() {
        start(AddressLimits.of(2, 0, 1));
        connect("2001:db8:1:2::1");
        connect("2001:db8:1:2:ffff:ffff:ffff:ffff");

        assertThat(refusal("2001:db8:1:2::99").status()).isEqualTo(429);
        connect("2001:db8:1:3::1");
        connect("::ffff:192.0.2.1"); // an IPv4-mapped address is its IPv4 address
        connect("192.0.2.1");
        assertThat(refusal("192.0.2.1").status()).isEqualTo(429);
    }

    @Test
    void anUpgradeWithoutAnAddressIsNotLimited() {
        start(AddressLimits.of(1, 1, 1));
        for (int i = 0; i < 5; i++) {
            Admission a = admit(Handshake.builder().path("/ws").build());
            assertThat(a).isInstanceOf(Admission.Accepted.class);
        }
    }

    @Test
    void byDefaultNothingIsLimitedPerAddress() {
        server = HubFixture.rooms();
        assertThat(server.hub().options().addressLimits()).isEqualTo(AddressLimits.NONE);
        List<InMemoryClient> clients = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            clients.add(connect(ALICE)); // one NAT's worth of users, all at once
        }

        assertThat(server.hub().sessionCount()).isEqualTo(2_000);
    }

    @Test
    void theLimitsCountTheClientBehindATrustedProxyNotTheProxy() {
        TrustedProxies proxy = TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR, List.of("10.0.0.0/8"));
        start(HubOptions.builder().addressLimits(AddressLimits.of(1, 0, 1)).trustedProxies(proxy).build(),
                Authenticator.ANONYMOUS);

        server.transport().connect(viaProxy(ALICE));
        server.transport().connect(viaProxy(BOB));

        assertThatThrownBy(() -> server.transport().connect(viaProxy(ALICE)))
                .isInstanceOfSatisfying(UpgradeRefusedException.class, e -> assertThat(e.status()).isEqualTo(429));
        Session alice = server.hub().sessions().stream()
                .filter(s -> s.handshake().remoteAddress().getHostString().equals(ALICE)).findFirst().orElseThrow();
        assertThat(alice.handshake().peerAddress().getHostString()).isEqualTo("10.1.2.3");
        assertThat(alice.handshake().remoteAddress().getPort()).isZero(); // the proxy did not say
    }

    @Test
    void aForwardedHeaderFromAPeerThatIsNoTrustedProxyIsIgnored() {
        TrustedProxies proxy = TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR, List.of("10.0.0.0/8"));
        start(HubOptions.builder().addressLimits(AddressLimits.of(1, 0, 1)).trustedProxies(proxy).build(),
                Authenticator.ANONYMOUS);
        server.transport().connect(from(ALICE).toBuilder().header("X-Forwarded-For", "192.0.2.1").build());

        // Alice cannot escape her limit by claiming to be someone else.
        Handshake spoofed = from(ALICE).toBuilder().header("X-Forwarded-For", "192.0.2.2").build();
        assertThatThrownBy(() -> server.transport().connect(spoofed))
                .isInstanceOfSatisfying(UpgradeRefusedException.class, e -> assertThat(e.status()).isEqualTo(429));
        assertThat(server.hub().sessions()).singleElement()
                .satisfies(s -> assertThat(s.handshake().remoteAddress().getHostString()).isEqualTo(ALICE));
    }

    private Handshake viaProxy(String client) {
        return Handshake.builder().path("/ws").remoteAddress(new InetSocketAddress("10.1.2.3", port.incrementAndGet()))
                .header("X-Forwarded-For", client).build();
    }

    // ---- the options ----

    @Test
    void theLimitsSayWhatIsWrongWithThem() {
        assertThatThrownBy(() -> AddressLimits.of(-1, 0, 1))
                .hasMessage("addressLimits.maxSessions must be >= 0 (0: no limit), was -1");
        assertThatThrownBy(() -> AddressLimits.of(0, -2, 1))
                .hasMessage("addressLimits.upgradesPerSecond must be >= 0 and finite (0: no limit), was -2.0");
        assertThatThrownBy(() -> AddressLimits.of(0, Double.NaN, 1)).hasMessageContaining("was NaN");
        assertThatThrownBy(() -> AddressLimits.of(0, Double.POSITIVE_INFINITY, 1)).hasMessageContaining("finite");
        assertThatThrownBy(() -> AddressLimits.of(0, 5, 0)).hasMessage("addressLimits.upgradeBurst must be >= 1, was 0");
        assertThat(AddressLimits.NONE.isOff()).isTrue();
        assertThat(AddressLimits.of(5, 0, 1).limitsRate()).isFalse();
    }
}
