package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BoundsTest {

    @Test
    void aCountOutsideItsRangeNamesTheOptionAndTheRange() {
        assertThat(Bounds.count("--connections", 50, 1, 10_000)).isEqualTo(50);
        assertThatThrownBy(() -> Bounds.count("--connections", 0, 1, 10_000))
                .hasMessage("--connections must be in 1..10000, was 0");
    }

    @Test
    void secondsMayBeFractionalButNotOutOfRangeOrNotANumber() {
        assertThat(Bounds.seconds("--duration", 1.5, 0.1, 600)).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Bounds.seconds("--duration", 601, 0.1, 600))
                .hasMessage("--duration must be in 0.1..600.0 seconds, was 601.0");
        assertThatThrownBy(() -> Bounds.seconds("--duration", Double.NaN, 0.1, 600))
                .hasMessageStartingWith("--duration must be in");
    }

    @Test
    void theOpenFileLimitIsTheSoftLimitOfProcLimits() {
        String limits = "Limit                     Soft Limit           Hard Limit           Units\n"
                + "Max processes             95000                95000                processes\n"
                + "Max open files            20000                40000                files\n";

        assertThat(Bounds.parseOpenFileLimit(limits)).isEqualTo(20_000);
        assertThat(Bounds.parseOpenFileLimit("Max open files  unlimited  unlimited  files\n")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void moreConnectionsThanTheProcessMayOpenAreRefused() {
        long limit = Bounds.openFileLimit();
        assumeTrue(limit < Integer.MAX_VALUE, "this machine sets no limit on open files");
        assertThatThrownBy(() -> Bounds.openFiles((int) limit))
                .hasMessageContaining("but this process may open at most " + limit);
    }
}
