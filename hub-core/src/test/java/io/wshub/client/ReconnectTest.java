package io.wshub.client;

import io.wshub.testing.ScriptedTransport;
import io.wshub.testing.ScriptedConnection;
import io.wshub.CloseStatus;
import io.wshub.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.wshub.client.ClientFixture.PRIMARY;
import static io.wshub.client.ClientFixture.SECONDARY;
import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Attempts, backoff, failover, retry decisions, handshake timeout and headers. */
class ReconnectTest {

    private final ClientFixture f = new ClientFixture();

    @Test
    void theFirstAttemptThatOpensMakesTheClientOpen() {
        ReconnectingClient client = f.openClient(f.builder());

        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(f.events.states()).containsExactly(ClientState.OPEN);
        assertThat(f.transport.lastAttempt().url()).isEqualTo(PRIMARY);
    }

    @Test
    void waitCeilingsDoubleFromTwoSecondsUpToThirtyWhileTheServerIsDown() {
        f.transport.downAt(PRIMARY);
        ReconnectingClient client = f.builder().connect();

        for (int i = 0; i < 6; i++) {
            f.advance(f.events.lastFailure().retryIn());
        }

        assertThat(f.events.failures()).extracting(failure -> failure.retryIn().toSeconds())
                .containsExactly(2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(f.transport.attempts()).hasSize(7);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
    }

    @Test
    void theNextAttemptStartsWhenItsWaitIsOverAndNotBefore() {
        f.transport.downAt(PRIMARY);
        f.builder().jitter(() -> 0.5).connect();
        assertThat(f.events.lastFailure().retryIn()).isEqualTo(seconds(1));

        f.advance(Duration.ofMillis(999));
        assertThat(f.transport.attempts()).hasSize(1);
        f.advance(Duration.ofMillis(1));
        assertThat(f.transport.attempts()).hasSize(2);
    }

    @Test
    void everyWaitIsDrawnBetweenZeroAndItsCeilingWithFullJitter() {
        f.transport.downAt(PRIMARY);
        SplittableRandom random = new SplittableRandom(7);
        f.builder().jitter(random::nextDouble).connect();

        for (int i = 0; i < 100; i++) {
            f.advance(f.events.lastFailure().retryIn());
        }

        List<ClientFailure> failures = f.events.failures();
        assertThat(failures).hasSize(101);
        for (int n = 0; n < failures.size(); n++) {
            long ceilingSeconds = Math.min(30, 2L << Math.min(n, 10));
            assertThat(failures.get(n).retryIn()).isBetween(Duration.ZERO, seconds(ceilingSeconds));
        }
        assertThat(failures.subList(5, 101)).extracting(ClientFailure::retryIn)
                .anyMatch(wait -> wait.compareTo(seconds(5)) < 0)
                .anyMatch(wait -> wait.compareTo(seconds(25)) > 0);
    }

    @Test
    void backoffStartsAgainAfterAConnectionStayedUpLongEnough() {
        f.transport.downAt(PRIMARY);
        f.builder().connect();
        f.advance(seconds(2));
        f.advance(seconds(4)); // three failures: the next ceiling would be 8 s
        f.transport.openAt(PRIMARY);
        f.advance(seconds(8));
        f.advance(seconds(30));

        f.transport.connection().drop();

        assertThat(f.events.lastFailure().retryIn()).isEqualTo(seconds(2));
    }

    @Test
    void backoffKeepsGrowingWhenConnectionsDropSoonAfterOpening() {
        f.transport.downAt(PRIMARY);
        f.builder().connect();
        f.advance(seconds(2));
        f.transport.openAt(PRIMARY);
        f.advance(seconds(4));
        f.advance(seconds(1));

        f.transport.connection().drop();

        assertThat(f.events.lastFailure().retryIn()).isEqualTo(seconds(8));
    }

    @Test
    void failoverReachesTheSecondUrlWhileTheFirstIsDown() {
        f.transport.downAt(PRIMARY).openAt(SECONDARY);
        ReconnectingClient client = f.builder().url(SECONDARY).connect();
        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);

        f.advance(f.events.lastFailure().retryIn());

        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(client.url()).isEqualTo(SECONDARY);
        assertThat(f.transport.attempts()).extracting(ScriptedTransport.Attempt::url)
                .containsExactly(PRIMARY, SECONDARY);
    }

    @Test
    void failoverTakesTheUrlsInTurnAndWrapsAround() {
        f.transport.downAt(PRIMARY).downAt(SECONDARY);
        f.builder().url(SECONDARY).connect();

        for (int i = 0; i < 3; i++) {
            f.advance(f.events.lastFailure().retryIn());
        }

        assertThat(f.transport.attempts()).extracting(ScriptedTransport.Attempt::url)
                .containsExactly(PRIMARY, SECONDARY, PRIMARY, SECONDARY);
    }

    @Test
    void aLostConnectionIsRetriedFirstAtItsOwnUrl() {
        f.transport.openAt(SECONDARY);
        f.openClient(f.builder().url(SECONDARY));

        f.transport.connection().drop();
        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.attempts()).extracting(ScriptedTransport.Attempt::url)
                .containsExactly(PRIMARY, PRIMARY);
    }

    @Test
    void aServerThatClosesWith1001IsLeftForTheNextUrl() {
        f.transport.openAt(SECONDARY);
        f.openClient(f.builder().url(SECONDARY));

        f.transport.connection().serverCloses(CloseStatus.SERVER_SHUTDOWN);
        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.attempts()).extracting(ScriptedTransport.Attempt::url)
                .containsExactly(PRIMARY, SECONDARY);
    }

    @Test
    void equivalentUrlsStartAtARandomOneAndThenTakeTurns() {
        URI third = URI.create("ws://third.test/ws");
        List<URI> nodes = List.of(PRIMARY, SECONDARY, third);
        f.transport.downAt(PRIMARY).downAt(SECONDARY).downAt(third);
        ReconnectingClient.builder(f.transport).urls(nodes).listener(f.events).jitter(() -> 0.5).connect();
        f.advance(f.events.lastFailure().retryIn());
        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.attempts()).extracting(ScriptedTransport.Attempt::url)
                .as("0.5 of three addresses: the second first").containsExactly(SECONDARY, third, PRIMARY);
        assertThat(ReconnectingClient.builder(f.transport).urls(nodes).jitter(() -> 0.99).build().url()).isEqualTo(third);
        assertThat(ReconnectingClient.builder(f.transport).urls(nodes).jitter(() -> 0.0).build().url()).isEqualTo(PRIMARY);
        assertThatThrownBy(() -> ReconnectingClient.builder(f.transport).urls(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHandshakeRefusedWith401IsNotRetriedAndIsReported() {
        f.transport.refuseAt(PRIMARY, 401);
        ReconnectingClient.Builder builder = f.builder();
        ReconnectingClient client = builder.connect();

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        ClientFailure failure = f.events.lastFailure();
        assertThat(failure.willRetry()).isFalse();
        assertThat(failure.cause()).isInstanceOfSatisfying(HandshakeRefusedException.class,
                refused -> assertThat(refused.status()).isEqualTo(401));
        assertThat(failure.cause()).hasMessage("handshake with ws://primary.test/ws refused: HTTP 401");
        assertThat(f.events.states()).containsExactly(ClientState.CLOSED);

        f.advance(Duration.ofMinutes(10));
        assertThat(f.transport.attempts()).hasSize(1);
        assertThat(f.time.pendingTasks()).isZero();
        assertThat(client.send(Message.text("late"))).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ClientClosedException.class)
                .withMessage("the client gave up: handshake with ws://primary.test/ws refused: HTTP 401");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 409})
    void handshakesRefusedForWhatRetryingCannotFixAreNotRetried(int status) {
        f.transport.refuseAt(PRIMARY, status);
        ReconnectingClient client = f.builder().connect();

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(f.transport.attempts()).hasSize(1);
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsTheWaitBeforeTheNextAttempt() {
        f.transport.pendingAt(PRIMARY);
        ReconnectingClient client = f.builder().jitter(() -> 0.0).connect(); // the backoff alone would retry at once

        f.transport.lastAttempt().refuse(429, "7");

        assertThat(f.events.lastFailure().retryIn()).isEqualTo(seconds(7));
        assertThat(f.events.lastFailure().cause()).isInstanceOfSatisfying(HandshakeRefusedException.class,
                refused -> assertThat(refused.retryAfter()).contains(seconds(7)));
        f.advance(Duration.ofMillis(6_999));
        assertThat(f.transport.attempts()).hasSize(1);
        f.advance(Duration.ofMillis(1));
        assertThat(f.transport.attempts()).hasSize(2);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
    }

    @Test
    void aRetryAfterShorterThanTheBackoffLeavesTheBackoff() {
        f.transport.pendingAt(PRIMARY);
        f.builder().connect(); // the full 2 s ceiling

        f.transport.lastAttempt().refuse(503, "1");

        assertThat(f.events.lastFailure().retryIn()).isEqualTo(seconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5", "1.5", "", "Wed, 99 Oct 2015 07:28:00 GMT"})
    void anUnreadableRetryAfterIsIgnored(String header) {
        f.transport.pendingAt(PRIMARY);
        f.builder().jitter(() -> 0.5).connect();

        f.transport.lastAttempt().refuse(429, header);

        assertThat(f.events.lastFailure().retryIn()).isEqualTo(seconds(1));
        assertThat(((HandshakeRefusedException) f.events.lastFailure().cause()).retryAfter()).isEmpty();
    }

    @Test
    void aRetryAfterIsReadAsSecondsOrAnHttpDateAndCappedAtTenMinutes() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(HandshakeRefusedException.parseRetryAfter(" 120 ", now)).isEqualTo(seconds(120));
        assertThat(HandshakeRefusedException.parseRetryAfter("0", now)).isEqualTo(Duration.ZERO);
        assertThat(HandshakeRefusedException.parseRetryAfter("Tue, 01 Dec 2026 10:00:30 GMT", now)).isEqualTo(seconds(30));
        assertThat(HandshakeRefusedException.parseRetryAfter("Tue, 01 Dec 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(HandshakeRefusedException.parseRetryAfter("86400", now)).isEqualTo(Duration.ofMinutes(10));
        assertThat(HandshakeRefusedException.parseRetryAfter("99999999999999999999", now)).isEqualTo(Duration.ofMinutes(10));
        assertThat(HandshakeRefusedException.parseRetryAfter(null, now)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503})
    void otherRefusedHandshakesAreRetried(int status) {
        f.transport.refuseAt(PRIMARY, status);
        ReconnectingClient client = f.builder().connect();
        f.advance(f.events.lastFailure().retryIn());

        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
        assertThat(f.transport.attempts()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1006, 1011, 1012, 1013, 4000})
    void connectionsClosedForPassingReasonsAreRetried(int code) {
        ReconnectingClient client = f.openClient(f.builder());

        f.transport.connection().serverCloses(new CloseStatus(code, "bye"));

        assertThat(client.state()).isEqualTo(ClientState.RECONNECTING);
        ClientFailure failure = f.events.lastFailure();
        assertThat(failure.willRetry()).isTrue();
        assertThat(failure.cause()).isInstanceOfSatisfying(ConnectionLostException.class,
                lost -> assertThat(lost.status().code()).isEqualTo(code));
        f.advance(failure.retryIn());
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
    }

    @ParameterizedTest
    @ValueSource(ints = {1003, 1008})
    void connectionsClosedForRejectedDataOrPolicyAreNotRetried(int code) {
        ReconnectingClient client = f.openClient(f.builder());

        f.transport.connection().serverCloses(new CloseStatus(code, "no"));

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertThat(f.events.lastFailure().willRetry()).isFalse();
        assertThat(f.events.lastFailure().cause()).hasMessage("connection to ws://primary.test/ws closed: " + code + " no");
    }

    @Test
    void aConfiguredRetryPolicyCanRetryA401() {
        f.transport.refuseAt(PRIMARY, 401);
        ClientOptions options = ClientOptions.builder().retryPolicy(RetryPolicy.refusing(Set.of(), Set.of())).build();
        ReconnectingClient client = f.builder().options(options).connect();

        f.advance(f.events.lastFailure().retryIn());

        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
        assertThat(f.transport.attempts()).hasSize(2);
    }

    @Test
    void aHandshakeThatHangsIsAbandonedAfterTheHandshakeTimeout() {
        ReconnectingClient client = f.builder().connect();
        ScriptedTransport.Attempt hanging = f.transport.lastAttempt();

        f.advance(Duration.ofMillis(9_999));
        assertThat(hanging.isCancelled()).isFalse();
        f.advance(Duration.ofMillis(1));

        assertThat(hanging.isCancelled()).isTrue();
        assertThat(f.events.lastFailure().cause()).isInstanceOf(ConnectFailedException.class)
                .hasMessage("handshake with ws://primary.test/ws did not complete within PT10S");
        assertThat(f.events.lastFailure().willRetry()).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
    }

    @Test
    void aConnectionThatOpensAfterItsAttemptEndedIsAborted() {
        f.builder().connect();
        ScriptedTransport.Attempt attempt = f.transport.lastAttempt();
        attempt.listener().onClose(CloseStatus.ABNORMAL); // the transport reports the end before the open

        ScriptedConnection late = attempt.open();

        assertThat(late.isAborted()).isTrue();
        assertThat(f.events.lastFailure().willRetry()).isTrue();
    }

    @Test
    void headersAreComputedAfreshForEveryAttempt() {
        AtomicInteger token = new AtomicInteger();
        f.transport.downAt(PRIMARY);
        f.builder().headers(url -> Map.of("Authorization", "Bearer token-" + token.incrementAndGet())).connect();

        f.advance(f.events.lastFailure().retryIn());
        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.attempts()).extracting(a -> a.request.headers().get("Authorization"))
                .containsExactly(List.of("Bearer token-1"), List.of("Bearer token-2"), List.of("Bearer token-3"));
    }

    @Test
    void aTokenSupplierIsAskedForEveryAttemptAndSentAsABearerToken() {
        AtomicInteger token = new AtomicInteger();
        f.transport.downAt(PRIMARY);
        f.builder().token(() -> "t" + token.incrementAndGet()).connect();

        f.advance(f.events.lastFailure().retryIn());

        assertThat(f.transport.attempts()).extracting(a -> a.request.headers().get("Authorization"))
                .containsExactly(List.of("Bearer t1"), List.of("Bearer t2"));
    }

    @Test
    void anEmptyTokenFailsTheAttempt() {
        f.transport.openAt(PRIMARY);
        f.builder().token(() -> "").connect();

        assertThat(f.events.lastFailure().cause()).isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("no token");
        assertThat(f.transport.attempts()).isEmpty();
    }

    @Test
    void anAttemptWhoseHeadersCannotBeComputedFailsAndIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        f.transport.openAt(PRIMARY);
        ReconnectingClient client = f.builder().headers(url -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("token service down");
            }
            return Map.of();
        }).connect();

        assertThat(f.events.lastFailure().cause()).isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("token service down");
        f.advance(f.events.lastFailure().retryIn());
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(f.transport.attempts()).hasSize(1);
    }

    @Test
    void stateChangesAreReportedInTheOrderTheyHappen() {
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.connection().drop();
        f.advance(f.events.lastFailure().retryIn());
        client.close();

        assertThat(f.events.states()).containsExactly(
                ClientState.OPEN, ClientState.RECONNECTING, ClientState.OPEN, ClientState.CLOSED);
    }

    @Test
    void whenOpenCompletesAtTheNextOpen() {
        f.transport.downAt(PRIMARY);
        ReconnectingClient client = f.builder().connect();
        CompletableFuture<Void> open = client.whenOpen();
        assertThat(open).isNotDone();

        f.transport.openAt(PRIMARY);
        f.advance(f.events.lastFailure().retryIn());

        assertThat(open).isCompleted();
        assertThat(client.whenOpen()).isCompleted();
    }

    @Test
    void urlsThatAreNotWebSocketAddressesAreRefusedByTheBuilder() {
        ReconnectingClient.Builder builder = ReconnectingClient.builder(f.transport);
        assertThatThrownBy(() -> builder.url("http://example.com/ws"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url must start with ws:// or wss://, was http://example.com/ws");
        assertThatThrownBy(builder::connect)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("at least one url is required");
    }
}
