package io.wshub.jwt;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a verified token says the peer is: its subject (also the session id), its expiry, and the
 * rooms its {@code rooms} claim lets it join. Immutable.
 */
public final class JwtPrincipal implements Principal {

    private final String subject;
    private final Instant expiresAt;
    /** Null when the token has no {@code rooms} claim: every room is allowed. */
    private final List<RoomPattern> rooms;

    JwtPrincipal(String subject, Instant expiresAt, List<String> rooms) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.expiresAt = expiresAt;
        this.rooms = rooms == null ? null : rooms.stream().map(RoomPattern::of).toList();
    }

    /** The token's {@code sub}. */
    public String subject() {
        return subject;
    }

    /** The subject, as {@link Principal} wants it. */
    @Override
    public String getName() {
        return subject;
    }

    /** The token's {@code exp}, or empty when it has none (then it never expires). */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** The {@code rooms} claim's patterns ({@code *} matches any run of characters), or empty when it has none. */
    public Optional<List<String>> roomPatterns() {
        return rooms == null ? Optional.empty() : Optional.of(rooms.stream().map(RoomPattern::toString).toList());
    }

    /** Whether the token lets its holder join this room: always without a {@code rooms} claim. */
    public boolean mayJoin(String room) {
        return rooms == null || rooms.stream().anyMatch(p -> p.matches(room));
    }

    @Override
    public String toString() {
        return "JwtPrincipal[" + subject + ", exp " + expiresAt + ", rooms " + rooms + "]";
    }
}
