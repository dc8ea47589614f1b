package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyRecorderTest {

    private static final long MS = 1_000_000;

    @Test
    void percentilesOfOneToOneThousandMillisecondsAreWhereTheyShouldBeWithinATenthOfAPercent() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (long ms = 1; ms <= 1000; ms++) {
            recorder.record(ms * MS, true);
        }

        Percentiles p = recorder.total();

        assertThat(p.count()).isEqualTo(1000);
        assertThat((double) p.p50()).isCloseTo(500 * MS, within(0.5 * MS));
        assertThat((double) p.p90()).isCloseTo(900 * MS, within(0.9 * MS));
        assertThat((double) p.p99()).isCloseTo(990 * MS, within(0.99 * MS));
        assertThat((double) p.max()).isCloseTo(1000 * MS, within(1.0 * MS));
    }

    @Test
    void aSingleSlowOutlierShowsInTheMaximumButNotInTheMedian() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 999; i++) {
            recorder.record(2 * MS, true);
        }
        recorder.record(5_000 * MS, true);

        Percentiles p = recorder.total();

        assertThat((double) p.p50()).isCloseTo(2 * MS, within(0.01 * MS));
        assertThat((double) p.p99()).isCloseTo(2 * MS, within(0.01 * MS));
        assertThat((double) p.max()).isCloseTo(5_000 * MS, within(5.0 * MS));
    }

    @Test
    void theTotalHoldsOnlyMeasuredMessagesWhileTheIntervalHoldsEveryMessage() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(1 * MS, false);
        recorder.record(1 * MS, false);
        recorder.record(7 * MS, true);

        assertThat(recorder.interval().count()).isEqualTo(3);
        assertThat(recorder.total().count()).isEqualTo(1);
    }

    @Test
    void eachIntervalStartsWhereThePreviousOneEndedWhileTheTotalKeepsGrowing() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(MS, true);
        assertThat(recorder.interval().count()).isEqualTo(1);
        assertThat(recorder.total().count()).isEqualTo(1);

        recorder.record(MS, true);
        recorder.record(MS, true);

        assertThat(recorder.interval().count()).isEqualTo(2);
        assertThat(recorder.total().count()).isEqualTo(3);
        assertThat(recorder.interval().count()).isZero();
    }

    @Test
    void aLatencyBeyondAnHourCountsAsAnHour() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(Long.MAX_VALUE, true);

        assertThat((double) recorder.total().max()).isCloseTo(LatencyRecorder.HIGHEST_NANOS,
                within(LatencyRecorder.HIGHEST_NANOS / 1000.0));
    }

    @Test
    void nothingRecordedGivesZeroes() {
        assertThat(new LatencyRecorder().total()).isEqualTo(Percentiles.NONE);
    }

    @Test
    void aNegativeLatencyFromAClockGoingBackwardsCountsAsZero() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(-5, true);

        assertThat(recorder.total().max()).isZero();
        assertThat(recorder.total().count()).isEqualTo(1);
    }
}
