package io.wshub;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a WebSocket. The default rule (docs/configuration.md):
 * <ul>
 *   <li>a handshake without an {@code Origin} header (a non-browser client) passes;</li>
 *   <li>one whose origin's host and port equal the request's {@code Host} header passes;</li>
 *   <li>one whose origin is in the allow-list passes ({@code *} in the list allows every origin);</li>
 *   <li>anything else, {@code Origin: null} and unparsable origins included, is refused with 403.</li>
 * </ul>
 * Origins compare by scheme, lower-cased host and port (the scheme's default port when absent).
 */
public final class OriginPolicy {

    private final Set<String> allowed; // normalized "scheme://host:port", or "*"

    private OriginPolicy(Set<String> allowed) {
        this.allowed = allowed;
    }

    /** Same-origin requests and non-browser clients only. The default. */
    public static OriginPolicy sameOrigin() {
        return new OriginPolicy(Set.of());
    }

    /**
     * Same-origin, non-browser clients, and these origins (e.g. {@code https://app.example.com}).
     *
     * @throws IllegalArgumentException when an entry is not an origin of the form scheme://host[:port]
     */
    public static OriginPolicy sameOriginOr(List<String> allowedOrigins) {
        return new OriginPolicy(allowedOrigins.stream()
                .map(o -> "*".equals(o) ? "*" : normalize(o).orElseThrow(() ->
                        new IllegalArgumentException("allowed origin must look like https://host[:port], was '" + o + "'")))
                .collect(Collectors.toUnmodifiableSet()));
    }

    /** Every origin; for development only. */
    public static OriginPolicy any() {
        return new OriginPolicy(Set.of("*"));
    }

    /** Whether the handshake's origin may connect. */
    public boolean allows(Handshake handshake) {
        Optional<String> origin = handshake.header("Origin");
        if (origin.isEmpty()) {
            return true;
        }
        if (allowed.contains("*")) {
            return true;
        }
        Optional<String> normalized = normalize(origin.get().trim());
        if (normalized.isEmpty()) {
            return false; // "null" and garbage
        }
        if (allowed.contains(normalized.get())) {
            return true;
        }
        return handshake.header("Host").map(host -> sameHostAndPort(normalized.get(), host.trim())).orElse(false);
    }

    private static boolean sameHostAndPort(String normalizedOrigin, String hostHeader) {
        String originHostPort = normalizedOrigin.substring(normalizedOrigin.indexOf("://") + 3);
        String scheme = normalizedOrigin.substring(0, normalizedOrigin.indexOf("://"));
        Optional<String> host = normalize(scheme + "://" + hostHeader);
        return host.isPresent() && host.get().substring(host.get().indexOf("://") + 3).equals(originHostPort);
    }

    /** "scheme://host:port" with the default port filled in, or empty when it is not an origin. */
    static Optional<String> normalize(String origin) {
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            if (port < 0) {
                port = switch (scheme) {
                    case "http", "ws" -> 80;
                    case "https", "wss" -> 443;
                    default -> -1;
                };
            }
            if (port < 0) {
                return Optional.empty();
            }
            return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return allowed.isEmpty() ? "OriginPolicy[same origin]" : "OriginPolicy[same origin or " + allowed + "]";
    }
}
