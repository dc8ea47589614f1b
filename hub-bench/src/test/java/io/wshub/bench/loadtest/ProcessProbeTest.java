package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessProbeTest {

    @Test
    void cpuTicksAreUserPlusSystemTime() {
        String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1500 250 0 0 20 0 40 0 100 "
                + "5000000000 80000 18446744073709551615 1 1 0 0 0 0 0 2 16800972 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcessProbe.parseCpuTicks(stat)).isEqualTo(1750);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 12 34 0 0 20 0 1 0 5 1000 10";

        assertThat(ProcessProbe.parseCpuTicks(stat)).isEqualTo(46);
    }

    @Test
    void residentMemoryComesFromTheVmRssLine() {
        String status = "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n";

        assertThat(ProcessProbe.parseRssKib(status)).isEqualTo(123456);
    }

    @Test
    void aStatusWithoutVmRssIsAnError() {
        assertThatThrownBy(() -> ProcessProbe.parseRssKib("Name:\tkthreadd\n"))
                .hasMessage("no VmRSS line in /proc/PID/status");
    }

    @Test
    void thisProcessHasCpuTimeAndResidentMemory() {
        ProcessProbe self = ProcessProbe.self();

        assertThat(self.cpuNanos()).isPresent();
        assertThat(self.rssBytes().getAsLong()).isPositive();
    }

    @Test
    void aProcessThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> ProcessProbe.of(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read /proc/" + Long.MAX_VALUE + "/stat: no such process, or not Linux");
    }
}
