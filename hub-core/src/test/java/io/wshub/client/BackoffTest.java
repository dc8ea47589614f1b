package io.wshub.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private static final Duration TWO = Duration.ofSeconds(2);
    private static final Duration THIRTY = Duration.ofSeconds(30);

    @Test
    void ceilingDoublesFromTheInitialWaitUpToTheMaximum() {
        Backoff backoff = new Backoff(TWO, THIRTY, () -> 0.5);
        long[] ceilings = new long[7];
        for (int i = 0; i < ceilings.length; i++) {
            ceilings[i] = backoff.ceiling().toSeconds();
            backoff.next();
        }
        assertThat(ceilings).containsExactly(2, 4, 8, 16, 30, 30, 30);
    }

    @Test
    void everyWaitIsDrawnBetweenZeroAndItsCeiling() {
        SplittableRandom random = new SplittableRandom(42);
        Backoff backoff = new Backoff(TWO, THIRTY, random::nextDouble);
        Duration shortest = THIRTY;
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 1_000; i++) {
            Duration ceiling = backoff.ceiling();
            Duration wait = backoff.next();
            assertThat(wait).isGreaterThanOrEqualTo(Duration.ZERO).isLessThanOrEqualTo(ceiling);
            shortest = wait.compareTo(shortest) < 0 ? wait : shortest;
            longest = wait.compareTo(longest) > 0 ? wait : longest;
        }
        // Full jitter spreads the waits over the whole range, not around the ceiling.
        assertThat(shortest).isLessThan(Duration.ofSeconds(1));
        assertThat(longest).isGreaterThan(Duration.ofSeconds(29));
    }

    @Test
    void jitterScalesTheCeiling() {
        assertThat(new Backoff(TWO, THIRTY, () -> 0.0).next()).isEqualTo(Duration.ZERO);
        assertThat(new Backoff(TWO, THIRTY, () -> 0.25).next()).isEqualTo(Duration.ofMillis(500));
        assertThat(new Backoff(TWO, THIRTY, () -> 1.0).next()).isEqualTo(TWO);
    }

    @Test
    void resetStartsAgainFromTheInitialCeiling() {
        Backoff backoff = new Backoff(TWO, THIRTY, () -> 1.0);
        backoff.next();
        backoff.next();
        backoff.next();
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(TWO);
    }

    @Test
    void manyFailuresNeverOverflowTheCeiling() {
        Backoff backoff = new Backoff(Duration.ofNanos(1), THIRTY, () -> 1.0);
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.next()).isBetween(Duration.ZERO, THIRTY);
        }
        assertThat(backoff.ceiling()).isEqualTo(THIRTY);
    }
}
