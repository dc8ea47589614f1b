package io.wshub.jwt;

import io.wshub.client.ClientState;
import io.wshub.client.ReconnectingClient;
import io.wshub.testing.ManualScheduler;
import io.wshub.testing.ScriptedConnection;
import io.wshub.testing.ScriptedTransport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.wshub.jwt.Tokens.hs256;
import static io.wshub.jwt.Tokens.valid;
import static org.assertj.core.api.Assertions.assertThat;

/** The client refreshes its token before the server would close for it, and reconnects with a fresh one. */
class JwtRefreshTest {

    private static final URI URL = URI.create("ws://hub.test/ws");

    private final ManualScheduler time = new ManualScheduler();
    private final ScriptedTransport transport = new ScriptedTransport(time);
    private final AtomicInteger issued = new AtomicInteger();
    /** Token n is issued at T0 and lives 100 s more than the one before: each is newer. */
    private final JwtRefresh refresh = JwtRefresh.of(
            () -> hs256(valid("alice", Duration.ofSeconds(100L * issued.incrementAndGet()))), time, Tokens.clock(time));

    private ReconnectingClient connect() {
        transport.openAt(URL);
        ReconnectingClient client = refresh.configure(ReconnectingClient.builder(transport).url(URL)).connect();
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        return client;
    }

    private static List<String> refreshes(ScriptedConnection c) {
        return c.written().stream().filter(text -> text.contains("\"refresh\"")).toList();
    }

    @Test
    void aRefreshWithAFreshTokenGoesOutAt80PercentOfTheLifetime() {
        connect();
        ScriptedConnection c = transport.connection();

        time.advance(Duration.ofSeconds(79));
        assertThat(refreshes(c)).isEmpty();
        time.advance(Duration.ofSeconds(1));

        assertThat(refreshes(c)).containsExactly("{\"type\":\"refresh\",\"token\":\"" + hs256(valid("alice", Duration.ofSeconds(200))) + "\"}");
        // the second token expires at 200 s: 80 % of the 120 s left is 96 s later
        time.advance(Duration.ofSeconds(95));
        assertThat(refreshes(c)).hasSize(1);
        time.advance(Duration.ofSeconds(1));
        assertThat(refreshes(c)).hasSize(2);
    }

    @Test
    void everyAttemptGetsAFreshTokenAndTheOldConnectionsRefreshIsForgotten() {
        connect();
        ScriptedConnection first = transport.connection();

        first.serverCloses(JwtSessions.TOKEN_EXPIRED);
        transport.openAt(URL);
        time.advance(Duration.ofSeconds(5)); // the backoff: the client reconnects
        ScriptedConnection second = transport.connection();
        time.advance(Duration.ofSeconds(200));

        assertThat(transport.attempts()).extracting(a -> a.request.headers().get("Authorization"))
                .containsExactly(List.of("Bearer " + hs256(valid("alice", Duration.ofSeconds(100)))),
                        List.of("Bearer " + hs256(valid("alice", Duration.ofSeconds(200)))));
        assertThat(second).isNotSameAs(first);
        assertThat(refreshes(first)).isEmpty();
        assertThat(refreshes(second)).hasSize(1);
    }
}
