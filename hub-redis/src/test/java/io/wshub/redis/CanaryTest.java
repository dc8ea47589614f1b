package io.wshub.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The canary's verdicts, on a clock the test moves (milliseconds as nanoseconds). */
class CanaryTest {

    private static final long MS = 1_000_000;

    private final Canary canary = new Canary(Duration.ofMillis(500));

    @Test
    void itIsRedUntilTheFirstCanaryComesBackThenGreen() {
        assertThat(canary.due(0)).isTrue();
        canary.sent(0);
        assertThat(canary.result(100 * MS).error()).isEqualTo("no canary has come back through the Redis subscription yet");
        assertThat(canary.due(100 * MS)).as("one out at a time").isFalse();

        assertThat(canary.answered(0, 3 * MS)).isEqualTo(3 * MS);

        assertThat(canary.result(4 * MS).healthy()).isTrue();
        assertThat(canary.result(4 * MS).metadata()).containsEntry("roundTripMillis", 3.0).containsEntry("boundMillis", 500L);
        assertThat(canary.due(4 * MS)).isTrue();
    }

    @Test
    void canariesLostPastTheBoundTurnItRedAndOnlyAnAnswerToTheLatestTurnsItGreenAgain() {
        canary.sent(0);
        canary.answered(0, MS);
        canary.sent(1_000 * MS);
        assertThat(canary.result(1_400 * MS).healthy()).as("within the bound").isTrue();

        assertThat(canary.due(1_600 * MS)).as("the one out is lost").isTrue();
        canary.sent(1_600 * MS);
        assertThat(canary.result(1_700 * MS).error())
                .isEqualTo("no canary has come back through the Redis subscription for 700 ms (bound 500 ms)");
        assertThat(canary.answered(1_000 * MS, 1_800 * MS)).as("a late one still has a round trip").isEqualTo(800 * MS);
        assertThat(canary.result(1_800 * MS).healthy()).as("a late answer shows a slow subscription").isFalse();

        canary.answered(1_600 * MS, 1_810 * MS);

        assertThat(canary.result(1_820 * MS).healthy()).isTrue();
    }

    @Test
    void withoutAConnectionNothingGoesAndItTurnsRedPastTheBound() {
        canary.sent(0);
        canary.answered(0, MS);
        canary.notSent(1_000 * MS);
        assertThat(canary.due(1_000 * MS)).as("the next may go as soon as there is a connection").isTrue();

        assertThat(canary.result(1_600 * MS).healthy()).isFalse();
    }

    @Test
    void aCanaryFromTheFutureIsNotOurs() {
        canary.sent(10 * MS);

        assertThat(canary.answered(20 * MS, 15 * MS)).isEqualTo(-1);
        assertThat(canary.result(16 * MS).healthy()).isFalse();
    }
}
