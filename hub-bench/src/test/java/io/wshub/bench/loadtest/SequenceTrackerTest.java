package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceTrackerTest {

    @Test
    void messagesInOrderAreAllReceivedAndNoneSkipped() {
        SequenceTracker tracker = new SequenceTracker();
        for (long seq = 0; seq < 5; seq++) {
            assertThat(tracker.accept(seq, true)).isTrue();
        }

        assertThat(tracker.measuredReceived()).isEqualTo(5);
        assertThat(tracker.skipped()).isZero();
        assertThat(tracker.outOfOrder()).isZero();
        assertThat(tracker.lastSeq()).isEqualTo(4);
    }

    @Test
    void aJumpCountsTheNumbersSkippedOver() {
        SequenceTracker tracker = new SequenceTracker();
        tracker.accept(0, true);
        tracker.accept(4, true);

        assertThat(tracker.skipped()).isEqualTo(3);
        assertThat(tracker.measuredReceived()).isEqualTo(2);
    }

    @Test
    void aMessageMissingAtTheStartCountsAsSkipped() {
        SequenceTracker tracker = new SequenceTracker();
        tracker.accept(2, true);

        assertThat(tracker.skipped()).isEqualTo(2);
    }

    @Test
    void aDuplicateOrLateMessageIsOutOfOrderAndNotReceivedAgain() {
        SequenceTracker tracker = new SequenceTracker();
        tracker.accept(0, true);
        tracker.accept(2, true);

        assertThat(tracker.accept(2, true)).isFalse();
        assertThat(tracker.accept(1, true)).isFalse();

        assertThat(tracker.outOfOrder()).isEqualTo(2);
        assertThat(tracker.measuredReceived()).isEqualTo(2);
        assertThat(tracker.lastSeq()).isEqualTo(2);
    }

    @Test
    void warmUpMessagesMoveTheSequenceButAreNotCountedAsMeasured() {
        SequenceTracker tracker = new SequenceTracker();
        tracker.accept(0, false);
        tracker.accept(1, false);
        tracker.accept(2, true);

        assertThat(tracker.measuredReceived()).isEqualTo(1);
        assertThat(tracker.lastSeq()).isEqualTo(2);
    }

    @Test
    void lossIsWhatEverySubscriberShouldHaveReceivedMinusWhatItDid() {
        SequenceTracker complete = new SequenceTracker();
        SequenceTracker missedOne = new SequenceTracker();
        SequenceTracker disconnectedEarly = new SequenceTracker();
        for (long seq = 0; seq < 10; seq++) {
            complete.accept(seq, true);
            if (seq != 5) {
                missedOne.accept(seq, true);
            }
            if (seq < 3) {
                disconnectedEarly.accept(seq, true);
            }
        }

        LossTally loss = LossTally.of(List.of(complete, missedOne, disconnectedEarly), 10);

        assertThat(loss.expected()).isEqualTo(30);
        assertThat(loss.received()).isEqualTo(10 + 9 + 3);
        assertThat(loss.lost()).isEqualTo(8);
        assertThat(loss.lostPercent()).isCloseTo(100.0 * 8 / 30, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void duplicatesDoNotHideALoss() {
        SequenceTracker tracker = new SequenceTracker();
        tracker.accept(0, true);
        tracker.accept(2, true);
        tracker.accept(2, true);

        LossTally loss = LossTally.of(List.of(tracker), 3);

        assertThat(loss.lost()).isEqualTo(1);
        assertThat(loss.outOfOrder()).isEqualTo(1);
    }

    @Test
    void nothingExpectedMeansNothingLost() {
        LossTally loss = LossTally.of(List.of(new SequenceTracker()), 0);

        assertThat(loss.lost()).isZero();
        assertThat(loss.lostPercent()).isZero();
    }
}
