package io.wshub.internal;

import io.wshub.CloseStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One session's lifecycle, decision by decision. */
class SessionStateTest {

    private final SessionState state = new SessionState();

    @Test
    void aSessionOpensAfterItsHandlerAndBecomesVisible() {
        assertThat(state.phase()).isEqualTo(SessionState.Phase.OPENING);
        assertThat(state.isVisible()).isFalse();
        assertThat(state.handlerOpening()).isTrue();
        state.opened();
        assertThat(state.phase()).isEqualTo(SessionState.Phase.OPEN);
        assertThat(state.isVisible()).isTrue();
        assertThat(state.handlerOpened()).isTrue();
    }

    @Test
    void theEndIsDecidedOnceAndTheHubsReasonIsWhatIsReported() {
        state.opened();
        assertThat(state.close(CloseStatus.SLOW_CONSUMER, 10)).isTrue();
        assertThat(state.close(CloseStatus.SERVER_SHUTDOWN, 20)).isFalse();
        assertThat(state.phase()).isEqualTo(SessionState.Phase.CLOSING);
        assertThat(state.closeRequestedNanos()).isNotZero();

        assertThat(state.ended(CloseStatus.ABNORMAL)).isEqualTo(CloseStatus.SLOW_CONSUMER);
        assertThat(state.ended(CloseStatus.ABNORMAL)).as("reported once").isNull();
        assertThat(state.phase()).isEqualTo(SessionState.Phase.CLOSED);
        assertThat(state.isVisible()).isFalse();
    }

    @Test
    void withoutAHubReasonTheTransportsStatusIsReported() {
        state.opened();
        assertThat(state.ended(new CloseStatus(1000, ""))).isEqualTo(new CloseStatus(1000, ""));
    }

    @Test
    void aDropEndsAnOpenSessionOrFollowsAClose() {
        state.opened();
        assertThat(state.abort(CloseStatus.WRITE_TIMEOUT, 5)).isEqualTo(SessionState.Abort.END_AND_DROP);
        assertThat(state.abort(CloseStatus.WRITE_TIMEOUT, 6)).isEqualTo(SessionState.Abort.NOTHING);

        SessionState closing = new SessionState();
        closing.opened();
        closing.close(CloseStatus.HEARTBEAT_TIMEOUT, 1);
        assertThat(closing.abort(CloseStatus.HEARTBEAT_TIMEOUT, 2)).isEqualTo(SessionState.Abort.DROP);
        closing.ended(CloseStatus.ABNORMAL);
        assertThat(closing.abort(CloseStatus.HEARTBEAT_TIMEOUT, 3)).as("nothing left to drop").isEqualTo(SessionState.Abort.NOTHING);
    }

    @Test
    void aSessionClosedWhileOpeningSkipsItsHandlerAndStaysClosing() {
        state.close(CloseStatus.SERVER_SHUTDOWN, 1);
        assertThat(state.handlerOpening()).isFalse();
        state.opened();
        assertThat(state.phase()).isEqualTo(SessionState.Phase.CLOSING);
        assertThat(state.handlerOpened()).isFalse();
    }

    @Test
    void theShutdownNoticeGoesOnceAndOnlyToAnOpenSession() {
        assertThat(state.shutdownNotice()).as("still opening").isFalse();
        state.opened();
        assertThat(state.shutdownNotice()).isTrue();
        assertThat(state.shutdownNotice()).isFalse();
    }

    @Test
    void aDemandWhileSuspendedIsOwedUntilReadingResumes() {
        state.opened();
        assertThat(state.mayDemand()).isTrue();
        state.suspendReading();
        assertThat(state.mayDemand()).isFalse();
        assertThat(state.resumeReading()).isTrue();
        assertThat(state.resumeReading()).isFalse();
        state.ended(CloseStatus.ABNORMAL);
        assertThat(state.mayDemand()).isFalse();
    }
}
