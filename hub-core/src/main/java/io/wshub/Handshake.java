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

    private final String path;
    private final Map<String, List<String>> headers;
    private final Map<String, List<String>> query;
    private final Map<String, String> cookies;
    private final InetSocketAddress remoteAddress;

    private Handshake(Builder b) {
        this.path = b.path;
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = Collections.unmodifiableMap(h);
        LinkedHashMap<String, List<String>> q = new LinkedHashMap<>();
        b.query.forEach((k, v) -> q.put(k, List.copyOf(v)));
        this.query = Collections.unmodifiableMap(q);
        this.cookies = Collections.unmodifiableMap(new LinkedHashMap<>(b.cookies));
        this.remoteAddress = b.remoteAddress;
    }

    /** A builder; every part is optional and defaults to empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this handshake's facts, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder().path(path).remoteAddress(remoteAddress);
        headers.forEach((k, values) -> values.forEach(v -> b.header(k, v)));
        query.forEach((k, values) -> values.forEach(v -> b.queryParameter(k, v)));
        cookies.forEach(b::cookie);
        return b;
    }

    /** The request path, e.g. {@code /ws}; empty when the transport has none. */
    public String path() {
        return path;
    }

    /** Every header, by case-insensitive name, in the order received. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header, if present. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every query parameter, decoded, with all of its values in order. */
    public Map<String, List<String>> queryParameters() {
        return query;
    }

    /** Cookies by name. */
    public Map<String, String> cookies() {
        return cookies;
    }

    /** The peer's address, or null when the transport has none (the in-memory transport gives a fake one). */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "Handshake[" + path + " from " + remoteAddress + "]";
    }

    /** Builds a {@link Handshake}. */
    public static final class Builder {
        private String path = "";
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, List<String>> query = new LinkedHashMap<>();
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private InetSocketAddress remoteAddress;

        private Builder() {
        }

        /** The request path. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Adds one header value (repeat for several values). */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds one query parameter value (repeat for several values). */
        public Builder queryParameter(String name, String value) {
            query.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds a cookie. */
        public Builder cookie(String name, String value) {
            cookies.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The peer's address. */
        public Builder remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        /** The immutable handshake. */
        public Handshake build() {
            return new Handshake(this);
        }
    }
}
