package io.wshub.examples;

import java.util.function.Function;

/**
 * Every setting of the example servers, with its YAML key, environment variable, command-line flag,
 * default and parser. This one table drives the YAML file, the environment, the flags and the
 * documentation (a test checks that docs/configuration.md lists each row).
 */
enum Setting {
    HOST("host", "WSHUB_HOST", "--host", "HOST", "0.0.0.0", s -> s.trim(),
            "Interface to listen on; 0.0.0.0 listens on all of them."),
    PORT("port", "WSHUB_PORT", "--port", "PORT", "8080", Values::port,
            "TCP port; 0 picks a free one (the log says which)."),
    ACCEPT_QUEUE_SIZE("acceptQueueSize", "WSHUB_ACCEPT_QUEUE_SIZE", "--accept-queue-size", "N", "4096", Values::integer,
            "Connections the kernel holds until the server accepts them (the listen backlog; Linux caps it at"
                    + " net.core.somaxconn). Sized for thousands of clients reconnecting at once after a restart;"
                    + " too small, and their connects wait for SYN retries."),
    REQUEST_HEAD_TIMEOUT("requestHeadTimeout", "WSHUB_REQUEST_HEAD_TIMEOUT", "--request-head-timeout", "DURATION", "15s",
            Values::duration, "Time a new connection has to send its whole first request head (the upgrade request);"
                    + " one that has not is cut, so clients dribbling their headers hold nothing for long."),
    MAX_HEADER_BYTES("maxHeaderBytes", "WSHUB_MAX_HEADER_BYTES", "--max-header-bytes", "SIZE", "8KiB", Values::intSize,
            "Largest request head (request line and headers); a larger one is refused with 431."),
    MAX_MESSAGE_BYTES("maxMessageBytes", "WSHUB_MAX_MESSAGE_BYTES", "--max-message-bytes", "SIZE", "512KiB", Values::bytes,
            "Largest inbound message (after decompression); one byte more closes with 1009."),
    MAX_STREAM_BYTES("maxStreamBytes", "WSHUB_MAX_STREAM_BYTES", "--max-stream-bytes", "SIZE", "64MiB", Values::bytes,
            "Largest inbound message a streaming path (/binary) takes, all its frames together; each frame is held to"
                    + " maxMessageBytes. One byte more closes with 1009."),
    MAX_QUEUED_MESSAGES("maxQueuedMessages", "WSHUB_MAX_QUEUED_MESSAGES", "--max-queued-messages", "N", "256", Values::integer,
            "Most messages waiting in one session's outbound queue."),
    MAX_QUEUED_BYTES("maxQueuedBytes", "WSHUB_MAX_QUEUED_BYTES", "--max-queued-bytes", "SIZE", "4MiB", Values::bytes,
            "Most bytes waiting in one session's outbound queue."),
    OVERFLOW_POLICY("overflowPolicy", "WSHUB_OVERFLOW_POLICY", "--overflow-policy", "POLICY", "disconnect", Values::overflowPolicy,
            "What a full outbound queue does: disconnect (the connection is dropped; the hub reports 1008 Slow consumer), drop_newest or drop_oldest."),
    MAX_TOTAL_QUEUED_BYTES("maxTotalQueuedBytes", "WSHUB_MAX_TOTAL_QUEUED_BYTES", "--max-total-queued-bytes", "SIZE", "",
            Values::optionalBytes, "Most bytes waiting in all of a path's outbound queues together: at it, the sessions"
                    + " behind that hold them are cut back by their policies, or the server reads its clients more slowly"
                    + " (see docs/overload.md); empty: a quarter of the JVM's heap (-Xmx)."),
    ROOM_POLICY("rooms", "WSHUB_ROOM_POLICY", "--room-policy", "RULES", "", Values::roomPolicies,
            "Room server: the policy of the rooms whose names match a pattern (* for any run of characters), as"
                    + " PATTERN=POLICY, comma-separated (the flag may repeat; a YAML map under rooms:); POLICY is"
                    + " disconnect, drop_newest, drop_oldest or conflate:FIELD (the latest message per value of FIELD);"
                    + " the first matching pattern wins, other rooms get overflowPolicy."),
    WRITE_TIMEOUT("writeTimeout", "WSHUB_WRITE_TIMEOUT", "--write-timeout", "DURATION", "10s", Values::duration,
            "Longest a write may stay in flight before the session is closed as a slow consumer."),
    PING_INTERVAL("pingInterval", "WSHUB_PING_INTERVAL", "--ping-interval", "DURATION", "54s", Values::duration,
            "How often the server pings each session."),
    PONG_TIMEOUT("pongTimeout", "WSHUB_PONG_TIMEOUT", "--pong-timeout", "DURATION", "60s", Values::duration,
            "Longest silence (no pong, no frame) before a session is closed; must exceed the ping interval."),
    CLOSE_TIMEOUT("closeTimeout", "WSHUB_CLOSE_TIMEOUT", "--close-timeout", "DURATION", "5s", Values::duration,
            "How long a peer has to answer a close frame before the connection is dropped."),
    HANDSHAKE_TIMEOUT("handshakeTimeout", "WSHUB_HANDSHAKE_TIMEOUT", "--handshake-timeout", "DURATION", "10s", Values::duration,
            "How long an admitted upgrade may take to open before its slot and id are released."),
    MAX_CONNECTIONS("maxConnections", "WSHUB_MAX_CONNECTIONS", "--max-connections", "N", "10000", Values::integer,
            "Most sessions per path at once; beyond it upgrades get HTTP 503."),
    MAX_SESSIONS_PER_ADDRESS("maxSessionsPerAddress", "WSHUB_MAX_SESSIONS_PER_ADDRESS", "--max-sessions-per-address", "N",
            "5000", Values::integer,
            "Most sessions per path one client address may hold (an IPv6 address counts by its /64); beyond it"
                    + " upgrades get HTTP 429 with Retry-After: 10. 0 turns the limit off."),
    UPGRADES_PER_SECOND_PER_ADDRESS("upgradesPerSecondPerAddress", "WSHUB_UPGRADES_PER_SECOND_PER_ADDRESS",
            "--upgrades-per-second-per-address", "N", "50", Values::decimal,
            "Upgrades per second per path one client address may make on average; beyond it HTTP 429 with a"
                    + " Retry-After of the seconds to its next one. 0 turns the limit off."),
    UPGRADE_BURST_PER_ADDRESS("upgradeBurstPerAddress", "WSHUB_UPGRADE_BURST_PER_ADDRESS", "--upgrade-burst-per-address",
            "N", "5000", Values::integer,
            "Upgrades one client address may make at once before its rate applies (at least 1)."),
    TRUSTED_PROXIES("trustedProxies", "WSHUB_TRUSTED_PROXIES", "--trusted-proxies", "ADDRESSES", "", Values::trustedProxies,
            "Reverse proxies (IP addresses and CIDR ranges, comma-separated) whose forwardedHeader gives a client's"
                    + " address; from any other peer the header is ignored."),
    FORWARDED_HEADER("forwardedHeader", "WSHUB_FORWARDED_HEADER", "--forwarded-header", "HEADER", "x-forwarded-for",
            Values::forwardedHeader,
            "The header the trustedProxies write the client's address in: x-forwarded-for or forwarded (RFC 7239)."
                    + " Name only the one your proxy writes."),
    RATE_LIMIT("rateLimit.messagesPerSecond", "WSHUB_RATE_LIMIT", "--rate-limit", "N", "100", Values::decimal,
            "Inbound messages per second per session; 0 turns the rate limit off (for load tests)."),
    RATE_LIMIT_BURST("rateLimit.burst", "WSHUB_RATE_LIMIT_BURST", "--rate-limit-burst", "N", "200", Values::integer,
            "Messages a session may send at once before the rate applies."),
    RATE_LIMIT_FLOOD_WINDOW("rateLimit.floodWindow", "WSHUB_RATE_LIMIT_FLOOD_WINDOW", "--rate-limit-flood-window", "DURATION",
            "10s", Values::duration,
            "A session refused more than twice the burst within this window is closed with 1008."),
    SHUTDOWN_GRACE("shutdownGrace", "WSHUB_SHUTDOWN_GRACE", "--shutdown-grace", "DURATION", "10s", Values::duration,
            "On SIGTERM or Ctrl-C, how long outbound queues may drain before connections are dropped."),
    SHUTDOWN_CLOSE_RATE("shutdownCloseRate", "WSHUB_SHUTDOWN_CLOSE_RATE", "--shutdown-close-rate", "N", "1000",
            Values::integer, "On shutdown, how many sessions per second get the notice and 1001, in random order and within"
                    + " half the grace period, so their clients reach the other nodes spread out; 0: all at once."),
    ANNOUNCE_PRESENCE("announcePresence", "WSHUB_ANNOUNCE_PRESENCE", "--announce-presence", "BOOLEAN", "true", Values::bool,
            "Room server: tell every session of every arrival and departure (user_joined, user_left). N clients"
                    + " connecting at once cost about N²/2 of them; a recipient falling behind keeps only the latest"
                    + " per user. Rooms announce their own members either way."),
    ROOM_HISTORY("roomHistory", "WSHUB_ROOM_HISTORY", "--room-history", "N", "1000", Values::integer,
            "Room server: messages each room keeps for clients that come back (seq on every room message, recovery"
                    + " on join and resume); 0 turns history and positions off."),
    ROOM_HISTORY_BYTES("roomHistoryBytes", "WSHUB_ROOM_HISTORY_BYTES", "--room-history-bytes", "SIZE", "1MiB", Values::bytes,
            "Room server: most payload bytes each room's history keeps; the oldest messages go first."),
    ROOM_HISTORY_AGE("roomHistoryAge", "WSHUB_ROOM_HISTORY_AGE", "--room-history-age", "DURATION", "5m", Values::duration,
            "Room server: oldest message a room's history keeps."),
    RESUME_WINDOW("resumeWindow", "WSHUB_RESUME_WINDOW", "--resume-window", "DURATION", "60s", Values::duration,
            "Room server: how long a session whose connection ended by accident is held (its id, rooms and private"
                    + " messages kept, nobody told it left) for its client to resume with its token; 0 turns resume off."),
    DEDUPE_WINDOW("dedupeWindow", "WSHUB_DEDUPE_WINDOW", "--dedupe-window", "N", "1000", Values::integer,
            "JSON paths: refs remembered per session, so that a message sent again with the ref of one already"
                    + " handled is acknowledged again instead of handled again; 0 turns dedupe off (acks stay)."),
    SESSION_ID_PARAMETER("sessionIdParameter", "WSHUB_SESSION_ID_PARAMETER", "--session-id-parameter", "NAME", "id", s -> s.trim(),
            "Query parameter a client names its session id with (?id=alice); empty: the server always assigns ids."),
    ALLOWED_ORIGINS("allowedOrigins", "WSHUB_ALLOWED_ORIGINS", "--allowed-origins", "ORIGINS", "", Values::list,
            "Browser origins allowed besides the server's own, comma-separated (https://app.example.com); * allows all."),
    JWT_SECRET("jwtSecret", "WSHUB_JWT_SECRET", "--jwt-secret", "SECRET", "", s -> s,
            "HMAC secret (at least 32 bytes) that clients' JWTs are signed with (HS256, HS384 or HS512); giving it"
                    + " requires a token of every client."),
    JWT_PUBLIC_KEY("jwtPublicKey", "WSHUB_JWT_PUBLIC_KEY", "--jwt-public-key", "FILE", "", s -> s.trim(),
            "PEM file of the public key that clients' JWTs are signed with (RS256 for RSA, ES256 for EC P-256);"
                    + " giving it requires a token of every client."),
    JWT_ISSUER("jwtIssuer", "WSHUB_JWT_ISSUER", "--jwt-issuer", "ISSUER", "", s -> s.trim(),
            "The iss a token must have; empty: any."),
    JWT_AUDIENCE("jwtAudience", "WSHUB_JWT_AUDIENCE", "--jwt-audience", "AUDIENCE", "", s -> s.trim(),
            "An aud a token must name; empty: any."),
    JWT_LEEWAY("jwtLeeway", "WSHUB_JWT_LEEWAY", "--jwt-leeway", "DURATION", "0s", Values::duration,
            "How far the server's and the token issuer's clocks may disagree: exp and nbf are taken this much late or"
                    + " early."),
    REQUIRE_AUTH("requireAuth", "WSHUB_REQUIRE_AUTH", "--require-auth", "BOOLEAN", "false", Values::bool,
            "Require a JWT of every client; on whenever jwtSecret or jwtPublicKey is given, and an error without"
                    + " either."),
    TLS_CERT_FILE("tlsCertFile", "WSHUB_TLS_CERT_FILE", "--tls-cert-file", "FILE", "", s -> s.trim(),
            "PEM file of the server's certificate, then its chain; with tlsKeyFile the port speaks TLS only (wss://,"
                    + " https://), TLS 1.2 and 1.3."),
    TLS_KEY_FILE("tlsKeyFile", "WSHUB_TLS_KEY_FILE", "--tls-key-file", "FILE", "", s -> s.trim(),
            "PEM file of the certificate's private key, unencrypted: PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA"
                    + " PRIVATE KEY) or SEC1 (BEGIN EC PRIVATE KEY)."),
    TLS_KEY_STORE("tlsKeyStore", "WSHUB_TLS_KEY_STORE", "--tls-key-store", "FILE", "", s -> s.trim(),
            "PKCS12 keystore with the certificate and its key (one key entry), instead of tlsCertFile and tlsKeyFile."),
    TLS_KEY_STORE_PASSWORD("tlsKeyStorePassword", "WSHUB_TLS_KEY_STORE_PASSWORD", "--tls-key-store-password", "PASSWORD",
            "", s -> s, "Password of tlsKeyStore (and of its key); prefer the environment variable, a flag shows in the"
                    + " process list."),
    TLS_RELOAD_INTERVAL("tlsReloadInterval", "WSHUB_TLS_RELOAD_INTERVAL", "--tls-reload-interval", "DURATION", "10s",
            Values::duration, "How often the certificate's files are checked; changed files are used for new connections"
                    + " once they have stayed the same for one interval (a bad change keeps the old certificate);"
                    + " 0s: never."),
    PERMESSAGE_DEFLATE("permessageDeflate", "WSHUB_PERMESSAGE_DEFLATE", "--permessage-deflate", "BOOLEAN", "false", Values::bool,
            "Accept permessage-deflate when a client offers it (browsers and Node ws do); with deflateContextTakeover off,"
                    + " a broadcast is compressed once for all its recipients."),
    DEFLATE_THRESHOLD("deflateThreshold", "WSHUB_DEFLATE_THRESHOLD", "--deflate-threshold", "SIZE", "1KiB", Values::intSize,
            "With permessageDeflate: the smallest message compressed; smaller ones go as they are."),
    DEFLATE_LEVEL("deflateLevel", "WSHUB_DEFLATE_LEVEL", "--deflate-level", "N", "-1", Values::integer,
            "With permessageDeflate: the zlib level, 0-9, or -1 for zlib's default (6)."),
    DEFLATE_CONTEXT_TAKEOVER("deflateContextTakeover", "WSHUB_DEFLATE_CONTEXT_TAKEOVER", "--deflate-context-takeover",
            "BOOLEAN", "false", Values::bool,
            "With permessageDeflate: keep the compression context from message to message (better ratios, a compressor of"
                    + " about 256 KiB per connection and a compression per recipient); off: every message compressed once,"
                    + " the same bytes for all recipients."),
    INPUT_BUFFER_SIZE("inputBufferSize", "WSHUB_INPUT_BUFFER_SIZE", "--input-buffer-size", "SIZE", "4096", Values::intSize,
            "Bytes of each connection's read buffer (at least 512)."),
    OUTPUT_BUFFER_SIZE("outputBufferSize", "WSHUB_OUTPUT_BUFFER_SIZE", "--output-buffer-size", "SIZE", "4096", Values::intSize,
            "Bytes of the buffer that gathers small outgoing frames into one write (at least 512)."),
    METRICS("metrics", "WSHUB_METRICS", "--metrics", "BOOLEAN", "true", Values::bool,
            "Serve Prometheus metrics (the hubs', the JVM's and the process's); false turns them off."),
    METRICS_PATH("metricsPath", "WSHUB_METRICS_PATH", "--metrics-path", "PATH", "/metrics", Values::path,
            "Path the metrics are served on."),
    METRICS_PORT("metricsPort", "WSHUB_METRICS_PORT", "--metrics-port", "PORT", "", Values::optionalPort,
            "Serve the metrics on this port instead of the main one (where only the metrics path answers);"
                    + " empty: the main port; 0 picks a free one."),
    TRACING("tracing", "WSHUB_TRACING", "--tracing", "BOOLEAN", "false", Values::bool,
            "Trace upgrades, messages, fan-outs and broker hops with OpenTelemetry, its SDK configured by the OTEL_*"
                    + " variables (OTEL_TRACES_EXPORTER otlp or logging, OTEL_EXPORTER_OTLP_ENDPOINT, ...); false: no"
                    + " tracing at all."),
    ADMIN_PATH("adminPath", "WSHUB_ADMIN_PATH", "--admin-path", "PATH", "", Values::optionalPath,
            "Serve the admin endpoint (the sessions furthest behind) on this path; empty: off. On the metrics port"
                    + " when metricsPort is set, else on the main port, where adminToken is required."),
    ADMIN_TOKEN("adminToken", "WSHUB_ADMIN_TOKEN", "--admin-token", "TOKEN", "", s -> s.trim(),
            "Bearer token the admin endpoint asks for (Authorization: Bearer TOKEN); prefer the environment"
                    + " variable, a flag shows in the process list."),
    REDIS("redis", "WSHUB_REDIS", "--redis", "URI", "", RedisNode::uri,
            "Redis linking this node with the others (redis://HOST:PORT, redis-sentinel://..., or"
                    + " redis-cluster://HOST:PORT[,HOST:PORT...] for Redis Cluster): rooms, broadcasts, private messages"
                    + " and session ids span every node given the same Redis; empty: a single node."),
    STARTUP_TIMEOUT("startupTimeout", "WSHUB_STARTUP_TIMEOUT", "--startup-timeout", "DURATION", "10s", Values::duration,
            "With redis: how long the node refuses clients (HTTP 503) while it joins its cluster; after it, it"
                    + " serves them degraded and logs why."),
    WARM_UP("warmUp", "WSHUB_WARM_UP", "--warm-up", "N", "6000", Values::integer,
            "Upgrades the server makes to a throwaway copy of itself on a loopback port before it listens (each"
                    + " closed once open), then messages through up to 1000 of them held open, so that the JIT has"
                    + " compiled the upgrade and message paths when clients arrive: a cold JVM opens its first"
                    + " thousands of connections at about half the rate, and fans out slower in its first seconds."
                    + " At most 5 s, then 4 s; 0: none."),
    LOG_LEVEL("logLevel", "WSHUB_LOG_LEVEL", "--log-level", "LEVEL", "info", Values::logLevel,
            "trace, debug, info, warn, error or off; the start-up lines with the server's URLs are printed whatever"
                    + " the level, and debug adds every session's end and every refused upgrade (info samples them)."),
    LOG_FORMAT("logFormat", "WSHUB_LOG_FORMAT", "--log-format", "FORMAT", "text", Values::logFormat,
            "text (one readable line per event) or json (one JSON object per line, for a log collector).");

    final String key;
    final String env;
    final String flag;
    final String label;
    final String defaultValue;
    final Function<String, ?> parser;
    final String description;

    Setting(String key, String env, String flag, String label, String defaultValue, Function<String, ?> parser,
            String description) {
        this.key = key;
        this.env = env;
        this.flag = flag;
        this.label = label;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.description = description;
    }

    /**
     * Parses a value for this setting.
     *
     * @param source where it came from, for the error message (a file, a variable, a flag)
     * @throws ConfigException naming the source, the setting and what was expected
     */
    Object parse(String value, String source) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage() + ", was '" + value + "'");
        }
    }

    /** The setting with this YAML key, or null. */
    static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
