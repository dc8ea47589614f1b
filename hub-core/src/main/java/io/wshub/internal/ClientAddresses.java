package io.wshub.internal;

import io.wshub.Handshake;
import io.wshub.TrustedProxies;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds a client's address behind trusted proxies, as {@link TrustedProxies} says: from the
 * header they write, only when the TCP peer is one of them, the right-most address that is not a
 * trusted proxy. The header is read from the right, where the trusted proxies wrote, so what a
 * client put on the left is read only as far as the proxies vouch for it; anything that cannot
 * be read on the way leaves the peer's address. Never throws on what a client sent.
 */
final class ClientAddresses {

    private final TrustedProxies proxies;

    ClientAddresses(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    /** The handshake with the client's address as its remote address; this one when there is nothing to resolve. */
    Handshake resolve(Handshake handshake) {
        InetSocketAddress peer = handshake.remoteAddress();
        if (proxies.isEmpty() || peer == null || !proxies.isTrusted(peer.getAddress())) {
            return handshake;
        }
        List<String> lines = handshake.headers().get(proxies.header().headerName());
        InetSocketAddress client = lines == null ? null : client(lines);
        return client == null ? handshake : handshake.toBuilder().remoteAddress(client).peerAddress(peer).build();
    }

    /** The right-most address not a trusted proxy (the left-most when all are), or null when one on the way is unreadable. */
    private InetSocketAddress client(List<String> lines) {
        InetSocketAddress leftMost = null;
        for (int line = lines.size() - 1; line >= 0; line--) {
            List<String> elements = split(lines.get(line), ',');
            if (elements == null) {
                return null;
            }
            for (int i = elements.size() - 1; i >= 0; i--) {
                InetSocketAddress hop = proxies.header() == TrustedProxies.Header.FORWARDED
                        ? forwardedFor(elements.get(i)) : node(elements.get(i).trim());
                if (hop == null) {
                    return null;
                }
                if (!proxies.isTrusted(hop.getAddress())) {
                    return hop;
                }
                leftMost = hop;
            }
        }
        return leftMost;
    }

    /** The {@code for} node of one RFC 7239 element ({@code for=192.0.2.60;proto=https}), or null. */
    private static InetSocketAddress forwardedFor(String element) {
        List<String> pairs = split(element, ';');
        if (pairs == null) {
            return null;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                String value = unquote(pair.substring(eq + 1).trim());
                return value == null ? null : node(value);
            }
        }
        return null;
    }

    /**
     * A node: {@code 192.0.2.7}, {@code 192.0.2.7:4711}, {@code [2001:db8::7]}, {@code [2001:db8::7]:4711}
     * or a bare {@code 2001:db8::7}; an obfuscated port ({@code _x}) counts as none. Null for
     * anything else ({@code unknown}, an obfuscated node, a name).
     */
    static InetSocketAddress node(String text) {
        String ip = text;
        String port = null;
        int colon = text.indexOf(':');
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                return null;
            }
            ip = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : null;
            if (ip.indexOf(':') < 0) {
                return null; // brackets are for IPv6 only
            }
        } else if (colon >= 0 && colon == text.lastIndexOf(':')) {
            ip = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        InetAddress address = IpLiterals.parse(ip);
        int portNumber = port == null ? 0 : port(port);
        return address == null || portNumber < 0 ? null : new InetSocketAddress(address, portNumber);
    }

    /** The port; 0 for an obfuscated one ({@code _x}), -1 for a malformed one. */
    private static int port(String text) {
        if (text.length() > 1 && text.startsWith("_")) {
            return 0;
        }
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port <= 65_535 ? port : -1;
    }

    /** The content of a quoted-string ({@code "[2001:db8::7]:4711"}), a token as it is, or null when malformed. */
    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            return value.indexOf('"') < 0 ? value : null;
        }
        if (value.length() < 2 || !value.endsWith("\"")) {
            return null;
        }
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                if (++i == value.length() - 1) {
                    return null;
                }
                c = value.charAt(i);
            } else if (c == '"') {
                return null;
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The parts between separators outside quoted strings, or null when a quote is left open. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (quoted) {
            return null;
        }
        parts.add(text.substring(start));
        return parts;
    }
}
