package io.wshub.internal;

import io.wshub.Handshake;
import io.wshub.TrustedProxies;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the hub finds a client's address behind trusted proxies (docs/security.md): the header only
 * from a trusted peer, read from the right, the first address that is no trusted proxy; anything
 * unreadable on the way leaves the peer's.
 */
class ClientAddressesTest {

    private static final String PROXY = "10.0.0.5";
    private static final TrustedProxies XFF = TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR,
            List.of("10.0.0.0/8", "fd00::/8", "192.0.2.200"));
    private static final TrustedProxies FORWARDED = TrustedProxies.of(TrustedProxies.Header.FORWARDED,
            List.of("10.0.0.0/8", "fd00::/8", "192.0.2.200"));

    private static Handshake from(String peer, String header, String... values) {
        Handshake.Builder b = Handshake.builder().path("/ws").remoteAddress(new InetSocketAddress(peer, 43_210));
        for (String v : values) {
            b.header(header, v);
        }
        return b.build();
    }

    private static String client(TrustedProxies proxies, Handshake h) {
        InetSocketAddress a = new ClientAddresses(proxies).resolve(h).remoteAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @ParameterizedTest(name = "X-Forwarded-For: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "203.0.113.7                                | 203.0.113.7:0",
        "203.0.113.7:4711                           | 203.0.113.7:4711",
        " 203.0.113.7 ,  10.0.0.9                   | 203.0.113.7:0",     // a second trusted hop
        "198.51.100.1, 203.0.113.7                  | 203.0.113.7:0",     // what the client wrote on the left is not taken
        "garbage, 203.0.113.7                       | 203.0.113.7:0",     // nor read
        "10.0.0.7, 10.0.0.9                         | 10.0.0.7:0",        // all trusted: the left-most
        "2001:db8::7                                | 2001:db8:0:0:0:0:0:7:0",
        "[2001:db8::7]:4711, fd00::1                | 2001:db8:0:0:0:0:0:7:4711",
        "::ffff:203.0.113.7                         | 203.0.113.7:0",
        "192.0.2.200, 203.0.113.9, 192.0.2.200      | 203.0.113.9:0",
    })
    void xForwardedForFromATrustedPeerGivesTheRightMostAddressThatIsNoTrustedProxy(String header, String client) {
        assertThat(client(XFF, from(PROXY, "X-Forwarded-For", header))).isEqualTo(client);
    }

    @Test
    void severalHeaderLinesReadAsOneListInTheirOrder() {
        Handshake h = from(PROXY, "X-Forwarded-For", "198.51.100.1", "203.0.113.7, 10.0.0.8");
        assertThat(client(XFF, h)).isEqualTo("203.0.113.7:0");
        Handshake allTrusted = from(PROXY, "x-forwarded-for", "10.9.9.9", "10.0.0.8");
        assertThat(client(XFF, allTrusted)).isEqualTo("10.9.9.9:0");
    }

    @ParameterizedTest(name = "Forwarded: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "for=203.0.113.7                                        | 203.0.113.7:0",
        "For=\"203.0.113.7:4711\"                               | 203.0.113.7:4711",
        "for=\"[2001:db8:cafe::17]:4711\";proto=https            | 2001:db8:cafe:0:0:0:0:17:4711",
        "for=\"[2001:db8:cafe::17]\"                             | 2001:db8:cafe:0:0:0:0:17:0",
        "proto=https;for=203.0.113.7;by=10.0.0.5                | 203.0.113.7:0",
        "for=198.51.100.1, for=203.0.113.7;proto=http, for=10.0.0.9 | 203.0.113.7:0",
        "for=203.0.113.7:_hidden                                | 203.0.113.7:0",  // an obfuscated port is none
        "for=\"a,b;c\", for=203.0.113.7                          | 203.0.113.7:0",  // separators inside quotes
        "for=unknown, for=203.0.113.7                           | 203.0.113.7:0",
    })
    void forwardedFromATrustedPeerGivesTheRightMostForThatIsNoTrustedProxy(String header, String client) {
        assertThat(client(FORWARDED, from(PROXY, "Forwarded", header))).isEqualTo(client);
    }

    @ParameterizedTest(name = "X-Forwarded-For: [{0}]")
    @ValueSource(strings = {"", " ", "203.0.113.7,", "203.0.113.7, ", "unknown", "example.com", "localhost",
        "203.0.113.256", "203.0.113", "0203.0.113.7", "203.0.113.7:", "203.0.113.7:65536", "203.0.113.7:x",
        "[2001:db8::7", "[2001:db8::7]x", "[203.0.113.7]", "2001:db8::7%eth0", "fe80::1%25eth0", "::ffff:bogus",
        "1.2.3.4.5", "\u0661.2.3.4", ",,,,", "[]:80"})
    void anUnreadableEntryOnTheWayLeavesThePeer(String header) {
        assertThat(client(XFF, from(PROXY, "X-Forwarded-For", header))).isEqualTo(PROXY + ":43210");
    }

    @Test
    void aHugeEntryIsReadWithoutTroubleAndLeavesThePeer() {
        assertThat(client(XFF, from(PROXY, "X-Forwarded-For", "1".repeat(100_000)))).isEqualTo(PROXY + ":43210");
        assertThat(client(FORWARDED, from(PROXY, "Forwarded", "for=\"" + ":".repeat(100_000) + "\""))).isEqualTo(PROXY + ":43210");
    }

    @ParameterizedTest(name = "Forwarded: [{0}]")
    @ValueSource(strings = {"for=unknown", "for=_hidden", "proto=https", "for=\"203.0.113.7", "for=203.0.113.7\"",
        "for=\"\"", "for=", "=203.0.113.7", "for=\"[2001:db8::7]:4711", "for=203.0.113.7, for=\"unclosed",
        "for=\"bad\\\"", "for=[2001:db8::7]:99999", "for=example.com", "for=203.0.113.7,"})
    void anUnreadableForwardedElementOnTheWayLeavesThePeer(String header) {
        assertThat(client(FORWARDED, from(PROXY, "Forwarded", header))).isEqualTo(PROXY + ":43210");
    }

    @Test
    void aHeaderFromAPeerThatIsNoTrustedProxyIsIgnored() {
        Handshake spoofed = from("203.0.113.66", "X-Forwarded-For", "198.51.100.1");
        assertThat(client(XFF, spoofed)).isEqualTo("203.0.113.66:43210");
        assertThat(new ClientAddresses(XFF).resolve(spoofed)).isSameAs(spoofed);
    }

    @Test
    void onlyTheConfiguredHeaderIsRead() {
        Handshake both = from(PROXY, "Forwarded", "for=198.51.100.1").toBuilder()
                .header("X-Forwarded-For", "203.0.113.7").build();
        // The proxy writes X-Forwarded-For and passes on the client's own Forwarded header.
        assertThat(client(XFF, both)).isEqualTo("203.0.113.7:0");
        assertThat(client(FORWARDED, both)).isEqualTo("198.51.100.1:0");
        assertThat(client(XFF, from(PROXY, "Forwarded", "for=198.51.100.1"))).isEqualTo(PROXY + ":43210");
    }

    @Test
    void withoutTrustedProxiesNothingIsRead() {
        Handshake h = from(PROXY, "X-Forwarded-For", "203.0.113.7");
        assertThat(new ClientAddresses(TrustedProxies.NONE).resolve(h)).isSameAs(h);
        Handshake noAddress = Handshake.builder().header("X-Forwarded-For", "203.0.113.7").build();
        assertThat(new ClientAddresses(XFF).resolve(noAddress).remoteAddress()).isNull();
    }

    @Test
    void theResolvedHandshakeKeepsThePeerAndEverythingElse() {
        Handshake h = from(PROXY, "X-Forwarded-For", "203.0.113.7").toBuilder()
                .queryParameter("id", "alice").cookie("c", "1").header("Origin", "https://chat.example").build();

        Handshake resolved = new ClientAddresses(XFF).resolve(h);

        assertThat(resolved.remoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.7");
        assertThat(resolved.peerAddress()).isEqualTo(h.remoteAddress());
        assertThat(resolved.queryParameters()).isEqualTo(h.queryParameters());
        assertThat(resolved.cookies()).isEqualTo(h.cookies());
        assertThat(resolved.headers()).isEqualTo(h.headers());
        assertThat(resolved.toString()).contains("via");
        assertThat(h.peerAddress()).isEqualTo(h.remoteAddress());
    }

    @Property(tries = 2_000)
    void noHeaderEverThrowsOrInventsATrustedClient(@ForAll("headers") String header, @ForAll boolean forwarded) {
        TrustedProxies proxies = forwarded ? FORWARDED : XFF;
        Handshake h = from(PROXY, proxies.header().headerName(), header);

        InetSocketAddress client = new ClientAddresses(proxies).resolve(h).remoteAddress();

        assertThat(client).isNotNull();
        assertThat(client.isUnresolved()).isFalse();
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> pieces = Arbitraries.of("for=", "\"", "[", "]", ":", ",", ";", " ", "\\", "203.0.113.7",
                "10.0.0.1", "2001:db8::1", "fd00::2", "_x", "unknown", "=", "4711", "proto=https", "::ffff:");
        return Arbitraries.oneOf(pieces.list().ofMaxSize(12).map(l -> String.join("", l)), Arbitraries.strings().ofMaxLength(60));
    }

    // ---- the proxies ----

    @ParameterizedTest(name = "{0} trusts {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "10.1.2.3/8, 10.9.9.9, true",          // bits below the prefix are ignored
        "192.0.2.7, 192.0.2.7, true",
        "192.0.2.7, 192.0.2.8, false",
        "192.0.2.7/32, 192.0.2.7, true",
        "0.0.0.0/0, 198.51.100.1, true",
        "0.0.0.0/0, ::1, false",               // an IPv4 range never holds an IPv6 address
        "fd00::/8, fd12:3456::1, true",
        "fd00::/8, fe80::1, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "::1, ::1, true",
        "::/0, 10.0.0.1, false",
        "::1/128, ::2, false",
    })
    void aProxyIsAnAddressOrACidrRange(String proxy, String address, boolean trusted) throws Exception {
        TrustedProxies p = TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR, List.of(proxy));
        assertThat(p.isTrusted(java.net.InetAddress.getByName(address))).isEqualTo(trusted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "proxy.example.com | trusted proxy 'proxy.example.com' is not an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8",
        "10.0.0.0/33       | trusted proxy '10.0.0.0/33' has a prefix length outside 0-32",
        "fd00::/129        | trusted proxy 'fd00::/129' has a prefix length outside 0-128",
        "10.0.0.0/        | trusted proxy '10.0.0.0/' has a prefix length outside 0-32",
        "10.0.0.0/-1       | trusted proxy '10.0.0.0/-1' has a prefix length outside 0-32",
        "10.0.0/8          | trusted proxy '10.0.0/8' is not an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8",
        "::ffff:10.0.0.1   | trusted proxy '::ffff:10.0.0.1' is an IPv4-mapped IPv6 address: write it as IPv4 (10.0.0.1)",
    })
    void aProxyThatIsNeitherIsRefusedByName(String proxy, String message) {
        assertThatThrownBy(() -> TrustedProxies.of(TrustedProxies.Header.FORWARDED, List.of("10.0.0.1", proxy)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void theProxiesShowInCidrForm() {
        TrustedProxies p = TrustedProxies.of(TrustedProxies.Header.FORWARDED, List.of(" 10.1.2.3/8 ", "2001:DB8::1"));
        assertThat(p.proxies()).containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:1/128");
        assertThat(p).isEqualTo(TrustedProxies.of(TrustedProxies.Header.FORWARDED, List.of("10.0.0.0/8", "2001:db8::1")));
        assertThat(p.toString()).isEqualTo("TrustedProxies[Forwarded from [10.0.0.0/8, 2001:db8:0:0:0:0:0:1/128]]");
        assertThat(TrustedProxies.NONE.isEmpty()).isTrue();
    }
}
