package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.protocol.EchoProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** The per-session token bucket on inbound messages, and the close of a flooding peer. */
class RateLimitTest {

    private static final String PING = "{\"type\":\"ping\"}";
    private static final String PONG = "{\"type\":\"pong\"}";
    private static final String LIMITED = "{\"type\":\"error\",\"error\":\"Rate limit exceeded\"}";

    /** 10 messages/s, burst 5: the flood threshold is 10 refusals in 10 s. */
    private static HubFixture hub() {
        return HubFixture.of(HubOptions.builder().rateLimit(RateLimit.of(10, 5)).build(), EchoProtocol.router().build());
    }

    private static InMemoryClient connected(HubFixture t) {
        InMemoryClient c = t.client("c");
        c.nextText(WAIT); // welcome
        return c;
    }

    private static List<String> send(InMemoryClient c, int n) {
        for (int i = 0; i < n; i++) {
            c.sendText(PING);
        }
        return c.drain().stream().map(InMemoryClient.Received::text).toList();
    }

    @Test
    void aBurstPassesAndTheNextMessageIsRefusedWithAnError() {
        try (HubFixture t = hub()) {
            InMemoryClient c = connected(t);
            assertThat(send(c, 6)).containsExactly(PONG, PONG, PONG, PONG, PONG, LIMITED);
            assertThat(t.hub().stats().rateLimited()).isEqualTo(1);
            assertThat(t.session("c").stats().rateLimited()).isEqualTo(1);
            assertThat(t.session("c").isOpen()).isTrue();
        }
    }

    @Test
    void tokensRefillAtTheConfiguredRate() {
        try (HubFixture t = hub()) {
            InMemoryClient c = connected(t);
            send(c, 5);
            t.advance(Duration.ofMillis(100)); // one token at 10/s
            assertThat(send(c, 2)).containsExactly(PONG, LIMITED);
            t.advance(Duration.ofSeconds(10)); // refills to the burst, no further
            assertThat(send(c, 6)).containsExactly(PONG, PONG, PONG, PONG, PONG, LIMITED);
        }
    }

    @Test
    void aRefusedMessageTakesNoToken() {
        try (HubFixture t = hub()) {
            InMemoryClient c = connected(t);
            send(c, 5);
            assertThat(send(c, 4)).containsOnly(LIMITED);
            t.advance(Duration.ofMillis(100));
            assertThat(send(c, 1)).containsExactly(PONG);
        }
    }

    @Test
    void aPeerRefusedMoreThanTwiceTheBurstWithinTheWindowIsClosedWith1008() {
        try (HubFixture t = hub()) {
            InMemoryClient c = connected(t);
            send(c, 5);
            assertThat(send(c, 10)).hasSize(10).containsOnly(LIMITED);
            assertThat(c.isClosed()).isFalse();

            c.sendText(PING); // the eleventh refusal
            assertThat(c.awaitClose(WAIT)).isEqualTo(CloseStatus.RATE_LIMIT_EXCEEDED);
            assertThat(t.hub().stats().errors(ErrorKind.RATE_LIMIT_FLOOD)).isEqualTo(1);
        }
    }

    @Test
    void refusalsSpreadOverMoreThanTheWindowDoNotClose() {
        try (HubFixture t = hub()) {
            InMemoryClient c = connected(t);
            for (int window = 0; window < 3; window++) {
                send(c, 5);
                send(c, 8); // 8 refusals, under the threshold of 10
                t.advance(Duration.ofSeconds(11));
            }
            assertThat(c.isClosed()).isFalse();
            assertThat(t.session("c").stats().rateLimited()).isEqualTo(24);
        }
    }

    @Test
    void anUnlimitedHubNeverRefuses() {
        try (HubFixture t = HubFixture.of(HubOptions.builder().rateLimit(RateLimit.UNLIMITED).build(),
                EchoProtocol.router().build())) {
            InMemoryClient c = connected(t);
            assertThat(send(c, 5_000)).hasSize(5_000).containsOnly(PONG);
        }
    }
}
