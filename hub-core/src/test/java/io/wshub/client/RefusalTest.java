package io.wshub.client;

import io.wshub.testing.ScriptedConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static io.wshub.client.ClientFixture.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refusals the standard retry policy gives up on, unless the client's history says retrying can
 * help: a 409 soon after losing an open connection, a 401 when the token has changed.
 */
class RefusalTest {

    private final ClientFixture f = new ClientFixture();

    @Test
    void aTakenIdOnTheFirstAttemptIsNotRetried() {
        f.transport.refuseAt(PRIMARY, 409);
        ReconnectingClient client = f.builder().connect();

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(f.events.lastFailure().willRetry()).isFalse();
        assertThat(f.transport.attempts()).hasSize(1);
    }

    @Test
    void aTakenIdSoonAfterLosingTheConnectionIsRetriedAsTheClientsOwnStaleSessionUntilTwoMinutesHavePassed() {
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.refuseAt(PRIMARY, 409); // the server has not noticed our old connection is dead
        f.transport.connection().drop();

        while (f.events.lastFailure().willRetry()) {
            f.advance(f.events.lastFailure().retryIn());
        }

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(f.transport.attempts()).hasSizeGreaterThan(3);
        Duration retriedFor = f.events.failures().stream().map(ClientFailure::retryIn)
                .filter(java.util.Objects::nonNull).reduce(Duration.ZERO, Duration::plus);
        assertThat(retriedFor).isGreaterThanOrEqualTo(StandardRetryPolicy.STALE_SESSION_GRACE.minusSeconds(30))
                .isLessThanOrEqualTo(StandardRetryPolicy.STALE_SESSION_GRACE);
    }

    @Test
    void aTakenIdThatFreesUpWhileRetryingOpensAgain() {
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.refuseAt(PRIMARY, 409);
        f.transport.connection().drop();
        f.advance(f.events.lastFailure().retryIn());
        assertThat(f.events.lastFailure().willRetry()).isTrue();

        f.transport.openAt(PRIMARY);
        f.advance(f.events.lastFailure().retryIn());

        assertThat(client.state()).isEqualTo(ClientState.OPEN);
    }

    @Test
    void a401IsRetriedWhenTheTokenSupplierHasANewTokenAndTheNextAttemptSendsIt() {
        AtomicReference<String> token = new AtomicReference<>("old");
        f.transport.refuseAt(PRIMARY, 401);
        ReconnectingClient client = f.builder().token(() -> {
            String t = token.get();
            token.set("new");   // the supplier refreshes after the first use
            return t;
        }).connect();

        assertThat(f.events.lastFailure().willRetry()).isTrue();
        f.transport.openAt(PRIMARY);
        f.advance(f.events.lastFailure().retryIn());

        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(f.transport.attempts()).extracting(a -> a.request.headers().get("Authorization"))
                .containsExactly(java.util.List.of("Bearer old"), java.util.List.of("Bearer new"));
    }

    @Test
    void a401WithTheSameTokenIsNotRetried() {
        f.transport.refuseAt(PRIMARY, 401);
        ReconnectingClient client = f.builder().token(() -> "same").connect();

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(f.transport.attempts()).hasSize(1);
    }

    @Test
    void aPolicyOfOneArgumentStillDecidesAlone() {
        f.transport.refuseAt(PRIMARY, 409);
        ClientOptions options = ClientOptions.builder().retryPolicy(failure -> true).build();
        ReconnectingClient client = f.builder().options(options).connect();

        f.advance(f.events.lastFailure().retryIn());

        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
        assertThat(f.transport.attempts()).hasSize(2);
    }

    @Test
    void aResumeTokenInTheAttemptsAddressIsNeverInWhatTheClientReports() {
        f.transport.openAt(PRIMARY);
        RoomClient rooms = RoomClient.connect(f.builder().onMessage(frame -> { }));
        ScriptedConnection first = f.transport.connection();
        first.serverSends("{\"type\":\"welcome\",\"id\":\"me\",\"resume\":\"SECRET\",\"inbox\":{\"seq\":0,\"epoch\":\"e\"}}");
        f.transport.refuseAt(PRIMARY, 503); // also with the token the client adds to the address
        first.drop();

        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.lastAttempt().url().getQuery()).isEqualTo("resume=SECRET");
        assertThat(f.events.lastFailure().cause()).hasMessage("handshake with ws://primary.test/ws refused: HTTP 503");
        assertThat(f.events.failures()).allSatisfy(failure -> assertThat(failure.toString()).doesNotContain("SECRET"));
        assertThat(rooms.client().url()).isEqualTo(PRIMARY);
    }
}
