package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRateIsTheCountDividedByTheWindowInSeconds() {
        assertThat(Rates.perSecond(5_000, 2 * SECOND)).isEqualTo(2_500.0);
        assertThat(Rates.perSecond(3, SECOND / 2)).isEqualTo(6.0);
    }

    @Test
    void anEmptyWindowHasNoRate() {
        assertThat(Rates.perSecond(100, 0)).isZero();
    }

    @Test
    void cpuPerThousandOperationsIsTheCpuMillisecondsScaledToAThousand() {
        // 1.5 s of CPU for 300 000 deliveries: 5 ms per 1 000.
        assertThat(Rates.cpuMsPerThousand(OptionalLong.of(3 * SECOND / 2), 300_000).getAsDouble())
                .isCloseTo(5.0, within(1e-9));
    }

    @Test
    void cpuCostIsUnknownWithoutCpuTimeOrWithoutOperations() {
        assertThat(Rates.cpuMsPerThousand(OptionalLong.empty(), 1_000)).isEmpty();
        assertThat(Rates.cpuMsPerThousand(OptionalLong.of(SECOND), 0)).isEmpty();
    }

    @Test
    void twoBusyCoresAreTwoHundredPercent() {
        assertThat(Rates.cpuPercent(OptionalLong.of(20 * SECOND), 10 * SECOND).getAsDouble()).isEqualTo(200.0);
    }

    @Test
    void bytesConvertToMebibytes() {
        assertThat(Rates.mib(OptionalLong.of(3 * 1024 * 1024)).getAsDouble()).isEqualTo(3.0);
        assertThat(Rates.mib(OptionalLong.empty())).isEmpty();
    }
}
