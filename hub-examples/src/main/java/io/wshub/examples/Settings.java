package io.wshub.examples;

import io.wshub.AddressLimits;
import io.wshub.DeliveryPolicies;
import io.wshub.HistoryLimits;
import io.wshub.HubOptions;
import io.wshub.OriginPolicy;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import io.wshub.TrustedProxies;
import io.wshub.jetty.JettyOptions;
import io.wshub.jwt.JwtAuthenticator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The resolved settings of an example server: every {@link Setting} with its parsed value, and the
 * hub, Jetty and origin options built from them. Immutable.
 */
final class Settings {

    /** Where a setting's value came from ({@code settings.yaml}, {@code WSHUB_PORT}, {@code --port}) and how it was written. */
    record Given(String source, String written) {
    }

    /** Settings whose values an error message never repeats. */
    private static final Set<Setting> SECRETS = EnumSet.of(Setting.JWT_SECRET, Setting.ADMIN_TOKEN);

    private final Map<Setting, Object> values;
    /** What an error says of each setting: its value as written and where it came from. */
    private final Map<Setting, String> origins;
    /** Built once, as it reads the key file: the authenticator the settings ask for, if any. */
    private final Optional<JwtAuthenticator> jwt;
    /** Read once, as it reads the certificate's files: the TLS the settings ask for, if any. */
    private final Optional<TlsSettings> tls;

    private Settings(Map<Setting, Object> values, Map<Setting, String> origins) {
        this.values = values;
        this.origins = origins;
        this.jwt = JwtSettings.authenticator(this);
        this.tls = TlsSettings.of(this);
    }

    /** Every setting at its default. */
    static Settings defaults() {
        return with(Map.of());
    }

    /**
     * The defaults overridden by these parsed values.
     *
     * @throws ConfigException when the combination is invalid (a pong timeout not above the ping
     *                         interval, a buffer too small, ...)
     */
    static Settings with(Map<Setting, Object> overrides) {
        return with(overrides, Map.of());
    }

    /**
     * The defaults overridden by these parsed values, which came from where {@code given} says: the
     * errors about settings that contradict each other name each one's source and value as written.
     *
     * @throws ConfigException when the combination is invalid
     */
    static Settings with(Map<Setting, Object> overrides, Map<Setting, Given> given) {
        EnumMap<Setting, Object> v = new EnumMap<>(Setting.class);
        EnumMap<Setting, String> origins = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            v.put(s, overrides.containsKey(s) ? overrides.get(s) : s.parse(s.defaultValue, "default of " + s.key));
            String origin = given.containsKey(s) ? given.get(s).written() + ", from " + given.get(s).source()
                    : overrides.containsKey(s) ? overrides.get(s) + ", as given"
                    : (s.defaultValue.isEmpty() ? "none" : s.defaultValue) + ", the default";
            origins.put(s, s.key + " (" + (SECRETS.contains(s) ? origin.substring(origin.indexOf(", ") + 2) : origin) + ")");
        }
        Settings settings = new Settings(v, origins);
        settings.validate();
        return settings;
    }

    /**
     * These settings with some changed, given as written (parsed as a flag's value would be), the
     * combination validated again.
     *
     * @throws ConfigException when a changed value does not parse or the combination is invalid
     */
    Settings but(Map<Setting, String> changes) {
        EnumMap<Setting, Object> v = new EnumMap<>(values);
        EnumMap<Setting, String> o = new EnumMap<>(origins);
        changes.forEach((s, written) -> {
            v.put(s, s.parse(written, s.key));
            o.put(s, s.key + " (" + written + ", changed)");
        });
        Settings settings = new Settings(v, o);
        settings.validate();
        return settings;
    }

    /**
     * A setting as an error names it: its key, its value as written and where it came from, such
     * as {@code pingInterval (70s, from settings.yaml)} or {@code pongTimeout (60s, the default)};
     * a secret's value is left out.
     */
    String origin(Setting s) {
        return origins.get(s);
    }

    private void validate() {
        if (requestHeadTimeout().isNegative() || requestHeadTimeout().isZero()) {
            throw new ConfigException("invalid settings: requestHeadTimeout must be positive, was " + requestHeadTimeout());
        }
        if (maxHeaderBytes() < 1024) {
            throw new ConfigException("invalid settings: maxHeaderBytes must be at least 1KiB, was " + maxHeaderBytes());
        }
        if (acceptQueueSize() < 1) {
            throw new ConfigException("invalid settings: acceptQueueSize must be at least 1, was " + acceptQueueSize());
        }
        if (metricsPort().isPresent() && metricsPort().getAsInt() != 0 && metricsPort().getAsInt() == port()) {
            throw new ConfigException("invalid settings: " + origin(Setting.METRICS_PORT) + " must differ from "
                    + origin(Setting.PORT));
        }
        if (!adminPath().isEmpty() && !adminOnMetricsPort() && adminToken().isEmpty()) {
            throw new ConfigException("invalid settings: " + origin(Setting.ADMIN_PATH) + " would be served on the main"
                    + " port without a token: set adminToken (WSHUB_ADMIN_TOKEN), or metricsPort to serve it there");
        }
        // HubOptions refuses this too, but in its own terms (PT1M10S); here the user learns which of their settings clash.
        if (duration(Setting.PING_INTERVAL).compareTo(duration(Setting.PONG_TIMEOUT)) >= 0) {
            throw new ConfigException("invalid settings: " + origin(Setting.PING_INTERVAL) + " must be shorter than "
                    + origin(Setting.PONG_TIMEOUT));
        }
        atLeast(Setting.MAX_SESSIONS_PER_ADDRESS, 0, "(0: no limit)");
        if (upgradesPerSecondPerAddress() < 0) {
            throw new ConfigException("invalid settings: upgradesPerSecondPerAddress must be at least 0 (0: no limit), was "
                    + upgradesPerSecondPerAddress());
        }
        atLeast(Setting.UPGRADE_BURST_PER_ADDRESS, 1, "");
        atLeast(Setting.WARM_UP, 0, "(0: none)");
        if (startupTimeout().isNegative() || startupTimeout().isZero()) {
            throw new ConfigException("invalid settings: startupTimeout must be positive, was " + startupTimeout());
        }
        try {
            hubOptions(true);
            jettyOptions();
            originPolicy();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid settings: " + e.getMessage());
        }
    }

    private void atLeast(Setting s, int least, String note) {
        int value = (Integer) values.get(s);
        if (value < least) {
            throw new ConfigException("invalid settings: " + s.key + " must be at least " + least
                    + (note.isEmpty() ? "" : " " + note) + ", was " + value);
        }
    }

    private double upgradesPerSecondPerAddress() {
        return (Double) values.get(Setting.UPGRADES_PER_SECOND_PER_ADDRESS);
    }

    String host() {
        return (String) values.get(Setting.HOST);
    }

    int port() {
        return (Integer) values.get(Setting.PORT);
    }

    /** The Redis URI linking this node with others, or empty for a single node. */
    String redis() {
        return (String) values.get(Setting.REDIS);
    }

    /** The listen backlog: connections the kernel holds until Jetty accepts them. */
    /** How long a new connection may take to send its first request head. */
    Duration requestHeadTimeout() {
        return duration(Setting.REQUEST_HEAD_TIMEOUT);
    }

    /** The largest request head. */
    int maxHeaderBytes() {
        return (Integer) values.get(Setting.MAX_HEADER_BYTES);
    }

    int acceptQueueSize() {
        return (Integer) values.get(Setting.ACCEPT_QUEUE_SIZE);
    }

    /** Whether the room server announces every arrival and departure to every session. */
    boolean announcePresence() {
        return (Boolean) values.get(Setting.ANNOUNCE_PRESENCE);
    }

    /** Whether the server serves metrics. */
    boolean metrics() {
        return (Boolean) values.get(Setting.METRICS);
    }

    /** Whether the server traces through OpenTelemetry. */
    boolean tracing() {
        return (Boolean) values.get(Setting.TRACING);
    }

    String metricsPath() {
        return (String) values.get(Setting.METRICS_PATH);
    }

    /** The port of its own that the metrics are served on, or empty to serve them on the main port. */
    OptionalInt metricsPort() {
        int port = (Integer) values.get(Setting.METRICS_PORT);
        return port == Values.NO_PORT ? OptionalInt.empty() : OptionalInt.of(port);
    }

    String logFormat() {
        return (String) values.get(Setting.LOG_FORMAT);
    }

    /** The admin endpoint's path, or empty when it is off. */
    String adminPath() {
        return (String) values.get(Setting.ADMIN_PATH);
    }

    /** The admin endpoint's bearer token, or empty for none. */
    String adminToken() {
        return (String) values.get(Setting.ADMIN_TOKEN);
    }

    /** Whether the admin endpoint goes on the metrics port of its own (else on the main port). */
    boolean adminOnMetricsPort() {
        return metrics() && metricsPort().isPresent();
    }

    /** With Redis, how long the node refuses clients while it joins its cluster. */
    Duration startupTimeout() {
        return duration(Setting.STARTUP_TIMEOUT);
    }

    /** Upgrades to make to a loopback copy of the server before it listens; 0: none. */
    int warmUp() {
        return (int) values.get(Setting.WARM_UP);
    }

    String logLevel() {
        return (String) values.get(Setting.LOG_LEVEL);
    }

    /** The JWT authenticator when a key is given (then every client needs a token), else empty. */
    Optional<JwtAuthenticator> jwt() {
        return jwt;
    }

    /** The TLS of the main port when a certificate is given, else empty (plain ws:// and http://). */
    Optional<TlsSettings> tls() {
        return tls;
    }

    /** The value of one setting, parsed. */
    Object get(Setting s) {
        return values.get(s);
    }

    /** The options of a hub of a raw or echo path: no history, no resume. */
    HubOptions hubOptions() {
        return hubOptions(false);
    }

    /**
     * The hub's options; a rate of 0 messages per second means no rate limit. The room server's hub
     * ({@code rooms}) keeps room histories and holds sessions for resume as the settings say; the
     * others' paths have no rooms to recover, so neither.
     */
    HubOptions hubOptions(boolean rooms) {
        double rate = (Double) values.get(Setting.RATE_LIMIT);
        RateLimit limit = rate == 0 ? RateLimit.UNLIMITED
                : new RateLimit(rate, (Integer) values.get(Setting.RATE_LIMIT_BURST), duration(Setting.RATE_LIMIT_FLOOD_WINDOW));
        return HubOptions.builder()
                .maxMessageBytes((Long) values.get(Setting.MAX_MESSAGE_BYTES))
                .maxStreamBytes((Long) values.get(Setting.MAX_STREAM_BYTES))
                .maxQueuedMessages((Integer) values.get(Setting.MAX_QUEUED_MESSAGES))
                .maxQueuedBytes((Long) values.get(Setting.MAX_QUEUED_BYTES))
                .overflowPolicy((OverflowPolicy) values.get(Setting.OVERFLOW_POLICY))
                .maxTotalQueuedBytes(maxTotalQueuedBytes())
                .deliveryPolicies((DeliveryPolicies) values.get(Setting.ROOM_POLICY))
                .writeTimeout(duration(Setting.WRITE_TIMEOUT))
                .pingInterval(duration(Setting.PING_INTERVAL))
                .pongTimeout(duration(Setting.PONG_TIMEOUT))
                .closeTimeout(duration(Setting.CLOSE_TIMEOUT))
                .handshakeTimeout(duration(Setting.HANDSHAKE_TIMEOUT))
                .maxConnections((Integer) values.get(Setting.MAX_CONNECTIONS))
                .rateLimit(limit)
                .shutdownGrace(duration(Setting.SHUTDOWN_GRACE))
                .shutdownCloseRate((Integer) values.get(Setting.SHUTDOWN_CLOSE_RATE))
                .sessionIdParameter((String) values.get(Setting.SESSION_ID_PARAMETER))
                .addressLimits(AddressLimits.of((Integer) values.get(Setting.MAX_SESSIONS_PER_ADDRESS),
                        upgradesPerSecondPerAddress(), (Integer) values.get(Setting.UPGRADE_BURST_PER_ADDRESS)))
                .trustedProxies(trustedProxies())
                .dedupeWindow((Integer) values.get(Setting.DEDUPE_WINDOW))
                .roomHistory(rooms ? roomHistory() : HistoryLimits.OFF)
                .resumeWindow(rooms ? duration(Setting.RESUME_WINDOW) : Duration.ZERO)
                .build();
    }

    @SuppressWarnings("unchecked")
    private TrustedProxies trustedProxies() {
        return TrustedProxies.of((TrustedProxies.Header) values.get(Setting.FORWARDED_HEADER),
                (List<String>) values.get(Setting.TRUSTED_PROXIES));
    }

    /** The budget of every path's queues: the one given, or the hub's default (a quarter of the heap). */
    private long maxTotalQueuedBytes() {
        long v = (Long) values.get(Setting.MAX_TOTAL_QUEUED_BYTES);
        return v == Values.DERIVED ? HubOptions.defaultMaxTotalQueuedBytes() : v;
    }

    /** What each room keeps; 0 messages turns history off. */
    private HistoryLimits roomHistory() {
        int messages = (Integer) values.get(Setting.ROOM_HISTORY);
        if (messages < 0) {
            throw new IllegalArgumentException("roomHistory must be >= 0 (0 turns it off), was " + messages);
        }
        return messages == 0 ? HistoryLimits.OFF
                : HistoryLimits.of(messages, (Long) values.get(Setting.ROOM_HISTORY_BYTES), duration(Setting.ROOM_HISTORY_AGE));
    }

    JettyOptions jettyOptions() {
        return new JettyOptions((Boolean) values.get(Setting.PERMESSAGE_DEFLATE),
                (Integer) values.get(Setting.INPUT_BUFFER_SIZE), (Integer) values.get(Setting.OUTPUT_BUFFER_SIZE),
                (Integer) values.get(Setting.DEFLATE_THRESHOLD), (Integer) values.get(Setting.DEFLATE_LEVEL),
                (Boolean) values.get(Setting.DEFLATE_CONTEXT_TAKEOVER));
    }

    /** Same origin and non-browser clients, plus the allow-list. */
    OriginPolicy originPolicy() {
        @SuppressWarnings("unchecked")
        List<String> allowed = (List<String>) values.get(Setting.ALLOWED_ORIGINS);
        return OriginPolicy.sameOriginOr(allowed);
    }

    private Duration duration(Setting s) {
        return (Duration) values.get(s);
    }
}
