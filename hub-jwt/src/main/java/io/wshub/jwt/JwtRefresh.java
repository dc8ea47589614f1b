package io.wshub.jwt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RestoreContext;
import io.wshub.client.RestoreHook;
import io.wshub.protocol.Envelope;
import io.wshub.spi.Scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The client's side of {@link JwtSessions}: hands the client a fresh token for every connection
 * attempt and, on each connection, sends {@code {"type":"refresh","token":T}} with a fresh one when
 * 80 % of the current token's remaining lifetime has passed, and again for that one, so the server
 * never closes the session with 4001. Tokens without {@code exp} are never refreshed.
 *
 * <pre>{@code
 * JwtRefresh refresh = JwtRefresh.of(this::currentToken, scheduler);
 * ReconnectingClient client = refresh.configure(WsHubClient.builder("wss://chat.example/ws")).connect();
 * }</pre>
 */
public final class JwtRefresh implements RestoreHook {

    /** The share of the remaining lifetime after which a token is replaced: early enough for a slow round trip. */
    static final double REFRESH_AT = 0.8;
    /** The shortest wait between refreshes, so that a supplier of nearly expired tokens cannot make a busy loop. */
    static final Duration MIN_WAIT = Duration.ofSeconds(1);

    private final Supplier<String> tokens;
    private final Scheduler scheduler;
    private final Clock clock;
    /** The token last handed out; guarded by this. */
    private String current;
    /** The refresh waiting for the current connection, or null; guarded by this. */
    private Scheduler.Cancellable pending;
    /** The current connection's context: a refresh on an older one plans nothing more; guarded by this. */
    private RestoreContext active;

    private JwtRefresh(Supplier<String> tokens, Scheduler scheduler, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Refreshes with tokens from {@code tokens} (asked once per attempt and once per refresh; it must
     * not block) on this timer.
     */
    public static JwtRefresh of(Supplier<String> tokens, Scheduler scheduler) {
        return new JwtRefresh(tokens, scheduler, Clock.systemUTC());
    }

    static JwtRefresh of(Supplier<String> tokens, Scheduler scheduler, Clock clock) {
        return new JwtRefresh(tokens, scheduler, clock);
    }

    /** Gives the builder its tokens ({@link ReconnectingClient.Builder#token}) and this hook. */
    public ReconnectingClient.Builder configure(ReconnectingClient.Builder builder) {
        return builder.token(this::token).restoreHook(this);
    }

    /** A fresh token from the supplier, remembered as the current one. */
    public String token() {
        String t = tokens.get();
        synchronized (this) {
            current = t;
        }
        return t;
    }

    /** A new connection: plans the refresh of the token it was opened with (and forgets the last connection's). */
    @Override
    public CompletionStage<?> restore(RestoreContext context) {
        synchronized (this) {
            active = context;
        }
        plan(context);
        return CompletableFuture.completedFuture(null);
    }

    private synchronized void plan(RestoreContext context) {
        if (context != active) {
            return;
        }
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        Instant exp = expiry(current);
        if (exp == null) {
            return;
        }
        long remaining = Math.max(0, Duration.between(clock.instant(), exp).toMillis());
        Duration wait = Duration.ofMillis((long) (remaining * REFRESH_AT));
        pending = scheduler.schedule(() -> refresh(context), wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait);
    }

    private void refresh(RestoreContext context) {
        String t;
        try {
            t = token();
        } catch (RuntimeException e) {
            return; // no token now: the server closes at expiry and the next attempt asks again
        }
        // Only a refresh that was written plans the next: a dead connection's chain ends here.
        context.send(Envelope.encode(Envelope.message("refresh").put("token", t))).thenRun(() -> plan(context));
    }

    private static Instant expiry(String token) {
        if (token == null) {
            return null;
        }
        try {
            return JWT.decode(token).getExpiresAtAsInstant();
        } catch (JWTDecodeException e) {
            return null;
        }
    }
}
