package io.wshub.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.CloseStatus;
import io.wshub.HubHandler;
import io.wshub.Session;
import io.wshub.protocol.Envelope;
import io.wshub.protocol.MessageRouter;
import io.wshub.protocol.ProtocolError;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a session's token means after the upgrade, added to a room-protocol router: a
 * {@code join_room} of a room the {@code rooms} claim does not match is answered with error
 * {@code Not allowed}; at {@code exp} (plus the leeway) the session is closed with
 * {@link #TOKEN_EXPIRED}, unless the client sent {@code {"type":"refresh","token":T}} with a
 * valid token for the same subject that expires later, which is answered
 * {@code {"type":"refreshed","exp":SECONDS}} and replaces the token (its {@code rooms} claim
 * governs later joins; rooms already joined are kept). A refresh that does not pass is answered
 * with error {@code Invalid token} and changes nothing. Sessions whose principal is no
 * {@link JwtPrincipal} are left alone (and cannot refresh). With resume on, a session taken back by
 * a new connection is governed by the token that connection was authenticated with, which must name
 * the same subject (a token of another subject resumes nothing).
 */
public final class JwtSessions {

    /** The close at expiry: 4001 {@code Token expired}. */
    public static final CloseStatus TOKEN_EXPIRED = new CloseStatus(4001, "Token expired");
    /** The error answering a join the token does not allow. */
    public static final String NOT_ALLOWED = "Not allowed";
    /** The error answering a refresh that does not pass. */
    public static final String INVALID_TOKEN = "Invalid token";

    private static final String ATTRIBUTE = SessionToken.class.getName();

    private final JwtAuthenticator jwt;
    private final Scheduler scheduler;
    private final Clock clock;

    private JwtSessions(JwtAuthenticator jwt, Scheduler scheduler) {
        this.jwt = jwt;
        this.scheduler = scheduler;
        this.clock = jwt.clock();
    }

    /**
     * Adds the room limits, the expiry and {@code refresh} to this router, which must have
     * {@code join_room} ({@link RoomProtocol#router()}).
     *
     * @param jwt       the hub's authenticator, which checks refreshed tokens too
     * @param scheduler the timer of the expiry checks (the hub's own, in tests a manual one)
     * @return the router, to go on configuring
     */
    public static MessageRouter.Builder install(MessageRouter.Builder router, JwtAuthenticator jwt, Scheduler scheduler) {
        JwtSessions sessions = new JwtSessions(Objects.requireNonNull(jwt, "jwt"), Objects.requireNonNull(scheduler, "scheduler"));
        return router
                .onOpen(sessions::opened)
                .onResumed(sessions::resumed)
                .onClose((session, status) -> sessions.closed(session))
                .around("join_room", join -> (session, message) -> {
                    if (!token(session).map(t -> t.current().mayJoin(RoomProtocol.room(message))).orElse(true)) {
                        throw new ProtocolError(NOT_ALLOWED);
                    }
                    join.handle(session, message);
                })
                .on("refresh", sessions::refresh);
    }

    /**
     * The expiry alone, for a protocol that has no {@code refresh} (a raw relay, an echo): every
     * session whose principal is a {@link JwtPrincipal} is closed with {@link #TOKEN_EXPIRED} at its
     * token's {@code exp} plus the leeway; every event goes on to {@code handler}. A client comes
     * back with a fresh token, as after any close.
     *
     * <pre>{@code
     * JwtAuthenticator jwt = JwtAuthenticator.hmac(secret).build();
     * Hub hub = Hub.builder()
     *         .authenticator(jwt)
     *         .handler(JwtSessions.closeAtExpiry(new RawRelayHandler(), jwt, scheduler))
     *         .build();
     * }</pre>
     *
     * @param jwt       the hub's authenticator, for its clock and leeway
     * @param scheduler the timer of the expiry checks
     */
    public static HubHandler closeAtExpiry(HubHandler handler, JwtAuthenticator jwt, Scheduler scheduler) {
        return new ExpiringHandler(Objects.requireNonNull(handler, "handler"),
                new JwtSessions(Objects.requireNonNull(jwt, "jwt"), Objects.requireNonNull(scheduler, "scheduler")));
    }

    private static Optional<SessionToken> token(Session session) {
        return session.attributes().get(ATTRIBUTE) instanceof SessionToken t ? Optional.of(t) : Optional.empty();
    }

    void opened(Session session) {
        if (session.principal().orElse(null) instanceof JwtPrincipal principal) {
            SessionToken t = new SessionToken(principal);
            session.attributes().put(ATTRIBUTE, t);
            watch(session, t);
        }
    }

    /**
     * A new connection took the session back (with resume on), authenticated by a token of its own
     * for the same subject: that token's expiry and rooms claim govern from now on, as after a refresh.
     */
    void resumed(Session session) {
        token(session).ifPresent(SessionToken::cancel);
        opened(session);
    }

    /** The session ended: its expiry check with it. */
    void closed(Session session) {
        token(session).ifPresent(SessionToken::cancel);
    }

    /** Checks the session when its current token is due to expire. */
    private void watch(Session session, SessionToken t) {
        t.current().expiresAt().ifPresent(exp -> {
            Duration delay = Duration.between(clock.instant(), exp.plus(jwt.leeway()));
            t.checking(scheduler.schedule(() -> check(session, t), delay.isNegative() ? Duration.ZERO : delay));
        });
    }

    private void check(Session session, SessionToken t) {
        if (!session.isOpen()) {
            return;
        }
        Instant deadline = t.current().expiresAt().map(exp -> exp.plus(jwt.leeway())).orElse(null);
        if (deadline != null && !clock.instant().isBefore(deadline)) {
            session.close(TOKEN_EXPIRED);
        } else {
            watch(session, t); // refreshed meanwhile (or the timer ran early against the wall clock)
        }
    }

    private void refresh(Session session, ObjectNode message) {
        SessionToken t = token(session).orElseThrow(() -> new ProtocolError(INVALID_TOKEN));
        JsonNode token = message.get("token");
        if (token == null || !token.isTextual()) {
            throw new ProtocolError(INVALID_TOKEN);
        }
        JwtPrincipal next;
        try {
            next = jwt.verify(token.textValue());
        } catch (InvalidTokenException e) {
            throw new ProtocolError(INVALID_TOKEN);
        }
        if (!next.subject().equals(t.current().subject()) || !t.refresh(next)) {
            throw new ProtocolError(INVALID_TOKEN);
        }
        ObjectNode reply = Envelope.message("refreshed");
        next.expiresAt().ifPresent(exp -> reply.put("exp", exp.getEpochSecond()));
        session.send(Envelope.encode(reply));
    }
}
