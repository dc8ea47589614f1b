package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Pings every 54 s; 60 s without a pong or any frame closes the session. */
class HeartbeatTest {

    private static HubFixture hub() {
        return HubFixture.of(HubOptions.defaults(), new HubHandler() {
        });
    }

    @Test
    void theHubPingsEveryPingInterval() {
        try (HubFixture t = hub()) {
            InMemoryClient c = t.client("c");
            t.advance(Duration.ofSeconds(53));
            assertThat(c.pingsReceived()).isZero();
            t.advance(Duration.ofSeconds(2));
            assertThat(c.pingsReceived()).isEqualTo(1);
            t.advance(Duration.ofSeconds(54));
            assertThat(c.pingsReceived()).isEqualTo(2);
        }
    }

    @Test
    void aPeerThatAnswersPingsStaysConnected() {
        try (HubFixture t = hub()) {
            InMemoryClient c = t.client("c");
            t.advance(Duration.ofMinutes(10));
            assertThat(c.isClosed()).isFalse();
            assertThat(c.pingsReceived()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void aPeerSilentForThePongTimeoutIsClosed() {
        try (HubFixture t = hub()) {
            InMemoryClient c = t.client("c");
            c.autoPong(false);
            t.advance(Duration.ofSeconds(59));
            assertThat(c.isClosed()).isFalse();
            t.advance(Duration.ofSeconds(2));
            assertThat(c.awaitClose(WAIT)).isEqualTo(CloseStatus.HEARTBEAT_TIMEOUT);
            assertThat(t.hub().sessionCount()).isZero();
            assertThat(t.hub().stats().errors(ErrorKind.HEARTBEAT_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void anyFrameFromThePeerCountsAsLife() {
        try (HubFixture t = hub()) {
            InMemoryClient c = t.client("c");
            c.autoPong(false);
            for (int i = 0; i < 6; i++) {
                t.advance(Duration.ofSeconds(30));
                c.sendText("still here");
            }
            t.advance(Duration.ofSeconds(30));
            c.sendPing();
            t.advance(Duration.ofSeconds(30));
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void aDeadPeerThatNeverAnswersTheCloseIsDropped() {
        try (HubFixture t = hub()) {
            InMemoryClient c = t.client("c");
            c.autoPong(false);
            c.answerClose(false);
            t.advance(Duration.ofSeconds(61));
            assertThat(t.hub().sessionCount()).isEqualTo(1); // close frame sent, waiting for the answer
            t.advance(Duration.ofSeconds(6)); // the 5 s close timeout
            assertThat(t.hub().sessionCount()).isZero();
        }
    }
}
