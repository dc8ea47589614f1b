package io.wshub;

import io.wshub.internal.IpLiterals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The reverse proxies (load balancers, ingress controllers) whose word the hub takes for a
 * client's address. When the TCP peer of an upgrade is one of them, the client's address is read
 * from the one header they write, {@code X-Forwarded-For} or {@code Forwarded} (RFC 7239): the
 * right-most address in it that is not itself a trusted proxy. From any other peer the header is
 * ignored, so a client cannot choose its own address. A header that cannot be read (a malformed
 * entry, {@code unknown}, an obfuscated identifier) leaves the peer's address. The address found
 * is the session's {@link Handshake#remoteAddress()} (what logs, the admin endpoint and the
 * per-address limits see), with the proxy's in {@link Handshake#peerAddress()}.
 *
 * <p>Name only the header your proxy writes: a proxy passes on the other one as the client sent it.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR,
 *         List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7"));
 * HubOptions options = HubOptions.builder().trustedProxies(proxies).build();
 * }</pre>
 *
 * <p>Immutable. See docs/security.md.
 */
public final class TrustedProxies {

    /** No proxy is trusted: every client's address is its TCP peer's. The default. */
    public static final TrustedProxies NONE = new TrustedProxies(Header.X_FORWARDED_FOR, List.of());

    /** The header the trusted proxies write the client's address in. */
    public enum Header {
        /** {@code X-Forwarded-For: client, proxy1, proxy2}: what most proxies write. */
        X_FORWARDED_FOR("X-Forwarded-For"),
        /** {@code Forwarded: for=client, for=proxy1} (RFC 7239): the {@code for} parameter of each element. */
        FORWARDED("Forwarded");

        private final String headerName;

        Header(String headerName) {
            this.headerName = headerName;
        }

        /** The header's name as sent, e.g. {@code X-Forwarded-For}. */
        public String headerName() {
            return headerName;
        }
    }

    private final Header header;
    private final List<Range> ranges;

    private TrustedProxies(Header header, List<Range> ranges) {
        this.header = header;
        this.ranges = ranges;
    }

    /**
     * Trusts these proxies, each an IP address ({@code 192.0.2.7}, {@code 2001:db8::7}) or a CIDR
     * range ({@code 10.0.0.0/8}, {@code fd00::/8}; bits below the prefix are ignored). No name is
     * looked up.
     *
     * @param header which header the proxies write the client's address in
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static TrustedProxies of(Header header, Collection<String> proxies) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(proxies, "proxies");
        List<Range> ranges = new ArrayList<>();
        for (String proxy : proxies) {
            ranges.add(Range.parse(Objects.requireNonNull(proxy, "proxy").trim()));
        }
        return new TrustedProxies(header, List.copyOf(ranges));
    }

    /** The header the proxies write. */
    public Header header() {
        return header;
    }

    /** Whether no proxy is trusted. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether this address is one of the trusted proxies. */
    public boolean isTrusted(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The proxies as written in CIDR form ({@code 10.0.0.0/8}, {@code 192.0.2.7/32}). */
    public List<String> proxies() {
        return ranges.stream().map(Range::toString).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies t && t.header == header && t.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, ranges);
    }

    @Override
    public String toString() {
        return "TrustedProxies[" + header.headerName() + " from " + proxies() + "]";
    }

    /** One address or CIDR range: the network's bytes (host bits cleared) and the prefix length. */
    private record Range(InetAddress network, int prefix) {

        static Range parse(String text) {
            int slash = text.indexOf('/');
            String literal = slash < 0 ? text : text.substring(0, slash);
            InetAddress address = IpLiterals.parse(literal);
            if (address == null) {
                throw new IllegalArgumentException("trusted proxy '" + text + "' is not an IP address or a CIDR range"
                        + " such as 10.0.0.0/8 or fd00::/8");
            }
            if (literal.indexOf(':') >= 0 && address.getAddress().length == 4) {
                throw new IllegalArgumentException("trusted proxy '" + text + "' is an IPv4-mapped IPv6 address:"
                        + " write it as IPv4 (" + address.getHostAddress() + ")");
            }
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String digits = text.substring(slash + 1);
                prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("trusted proxy '" + text + "' has a prefix length outside 0-" + bits);
                }
            }
            return new Range(IpLiterals.masked(address, prefix), prefix);
        }

        boolean contains(byte[] bytes) {
            byte[] net = network.getAddress();
            return bytes.length == net.length && Arrays.equals(IpLiterals.masked(bytes, prefix), net);
        }

        @Override
        public String toString() {
            return network.getHostAddress() + "/" + prefix;
        }
    }
}
