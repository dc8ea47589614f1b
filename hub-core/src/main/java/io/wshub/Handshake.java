package io.wshub;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The facts of a WebSocket upgrade request, as the transport saw them: path, headers, query
 * parameters, cookies and the peer's address. Immutable; header names are case-insensitive.
 * Transports build it with {@link #builder()}; applications read it in an {@link Authenticator}
 * and later from {@link Session#handshake()}.
 */
public final class Handshake {

    private static final String[] NONE = new String[0];

    // Name-value pairs in arrival order: a handshake lives as long as its session, so it is kept
    // as three flat arrays (a few hundred bytes less per connection than maps of lists), and the
    // map views are built when asked for.
    private final String path;
    private final String[] headers;
    private final String[] query;
    private final String[] cookies;
    private final InetSocketAddress remoteAddress;
    /** The TCP peer when a trusted proxy forwarded {@link #remoteAddress}, else null. */
    private final InetSocketAddress peerAddress;

    private Handshake(Builder b) {
        this.path = b.path;
        this.headers = pairs(b.headers);
        this.query = pairs(b.query);
        this.cookies = pairs(b.cookies);
        this.remoteAddress = b.remoteAddress;
        this.peerAddress = b.peerAddress;
    }

    private static String[] pairs(List<String> list) {
        return list.isEmpty() ? NONE : list.toArray(NONE);
    }

    /** A builder; every part is optional and defaults to empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this handshake's facts, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder().path(path).remoteAddress(remoteAddress).peerAddress(peerAddress);
        b.headers.addAll(List.of(headers));
        b.query.addAll(List.of(query));
        b.cookies.addAll(List.of(cookies));
        return b;
    }

    /** The request path, e.g. {@code /ws}; empty when the transport has none. */
    public String path() {
        return path;
    }

    /** Every header, by case-insensitive name, with its values in the order received. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        collect(headers, map);
        return Collections.unmodifiableMap(map);
    }

    /** The first value of a header (the name in any case), if present. */
    public Optional<String> header(String name) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                return Optional.of(headers[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** Every query parameter, decoded, with all of its values in order. */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        collect(query, map);
        return Collections.unmodifiableMap(map);
    }

    /** Cookies by name (a repeated name keeps its last value). */
    public Map<String, String> cookies() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < cookies.length; i += 2) {
            map.put(cookies[i], cookies[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    private static void collect(String[] pairs, Map<String, List<String>> into) {
        for (int i = 0; i < pairs.length; i += 2) {
            into.computeIfAbsent(pairs[i], k -> new ArrayList<>(1)).add(pairs[i + 1]);
        }
        into.replaceAll((k, v) -> List.copyOf(v));
    }

    /**
     * The client's address, or null when the transport has none (the in-memory transport gives a
     * fake one). As the transport builds it, the TCP peer's; in the hub (an {@link Authenticator},
     * {@link Session#handshake()}), the address a {@link TrustedProxies trusted proxy} forwarded when
     * the peer is one. The port of a forwarded address is 0 unless the proxy gave it.
     */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The TCP peer's address: the trusted proxy's when one forwarded {@link #remoteAddress()}, else that. */
    public InetSocketAddress peerAddress() {
        return peerAddress != null ? peerAddress : remoteAddress;
    }

    @Override
    public String toString() {
        return "Handshake[" + path + " from " + remoteAddress + (peerAddress == null ? "" : " via " + peerAddress) + "]";
    }

    /** Builds a {@link Handshake}. */
    public static final class Builder {
        private String path = "";
        private final List<String> headers = new ArrayList<>();
        private final List<String> query = new ArrayList<>();
        private final List<String> cookies = new ArrayList<>();
        private InetSocketAddress remoteAddress;
        private InetSocketAddress peerAddress;

        private Builder() {
        }

        /** The request path. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Adds one header value (repeat for several values). */
        public Builder header(String name, String value) {
            return add(headers, name, value);
        }

        /** Adds one query parameter value (repeat for several values). */
        public Builder queryParameter(String name, String value) {
            return add(query, name, value);
        }

        /** Adds a cookie. */
        public Builder cookie(String name, String value) {
            return add(cookies, name, value);
        }

        private Builder add(List<String> pairs, String name, String value) {
            pairs.add(Objects.requireNonNull(name, "name"));
            pairs.add(Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The client's address: a transport gives the TCP peer's. */
        public Builder remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        /**
         * The TCP peer's address when it differs from {@link #remoteAddress} (a proxy forwarded the
         * client's); null, the default, when they are the same.
         */
        public Builder peerAddress(InetSocketAddress peerAddress) {
            this.peerAddress = peerAddress;
            return this;
        }

        /** The immutable handshake. */
        public Handshake build() {
            return new Handshake(this);
        }
    }
}
