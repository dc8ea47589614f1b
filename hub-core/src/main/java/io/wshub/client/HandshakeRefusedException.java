package io.wshub.client;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The server answered the WebSocket upgrade with an HTTP status instead of 101 — 401 or 403 when it
 * does not accept the credentials, 409 for a taken session id, 429 when the client's address is
 * over a limit, 503 when it is full. A {@link io.wshub.spi.ClientTransport} fails its connect
 * future with this; the client's {@link RetryPolicy} decides by the status whether to try again,
 * and a retried attempt waits at least {@link #retryAfter()}.
 */
public final class HandshakeRefusedException extends ConnectFailedException {

    private static final long serialVersionUID = 1L;

    /** The longest {@code Retry-After} taken: a misconfigured server must not park its clients for hours. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    /** The HTTP status of the refusal. */
    private final int status;
    /** How long the server asked to wait before the next attempt, if it did. */
    private final Duration retryAfter;
    /** The response's reason or body, as given. */
    private final String reason;

    /**
     * The server at {@code url} refused the upgrade with {@code status}.
     *
     * @param reason the response's reason or body, for the message; may be empty
     */
    public HandshakeRefusedException(URI url, int status, String reason) {
        this(url, status, reason, (String) null);
    }

    /**
     * The server at {@code url} refused the upgrade with {@code status} and this
     * {@code Retry-After} header.
     *
     * @param reason     the response's reason or body, for the message; may be empty
     * @param retryAfter the header's value as received, or null: delay-seconds ({@code 120}) or an
     *                   HTTP-date; any other value is ignored, a longer wait than
     *                   {@link #MAX_RETRY_AFTER} is taken as that
     */
    public HandshakeRefusedException(URI url, int status, String reason, String retryAfter) {
        this(url, status, reason, parseRetryAfter(retryAfter, Instant.now()));
    }

    private HandshakeRefusedException(URI url, int status, String reason, Duration retryAfter) {
        super(url, "handshake with " + url + " refused: HTTP " + status
                + (reason == null || reason.isEmpty() ? "" : " " + reason), null);
        this.status = status;
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** The same refusal, told of {@code other}: the address without what the attempt added to it. */
    HandshakeRefusedException withUrl(URI other) {
        HandshakeRefusedException copy = new HandshakeRefusedException(other, status, reason, retryAfter);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** The HTTP status the server answered with. */
    public int status() {
        return status;
    }

    /** How long the server asked the client to wait before it tries again, if it did ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** A {@code Retry-After} value as a wait from {@code now}, at most {@link #MAX_RETRY_AFTER}; null when unreadable. */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        Duration wait;
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            wait = v.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                wait = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
}
