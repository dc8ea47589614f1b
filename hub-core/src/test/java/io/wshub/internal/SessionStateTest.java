package io.wshub.internal;

import io.wshub.CloseStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One session's lifecycle, decision by decision: links are plain objects here, only compared. */
class SessionStateTest {

    private static final long WINDOW = 60;

    private final Object first = new Object();
    private final SessionState<Object> state = on(first, false);

    private static SessionState<Object> on(Object link, boolean holds) {
        SessionState<Object> s = new SessionState<>(holds);
        s.attachFirst(link);
        return s;
    }

    /** A session with resume on whose onOpen has run: it can be held. */
    private SessionState<Object> openHolding() {
        SessionState<Object> s = on(first, true);
        s.handlerOpening();
        s.opened();
        return s;
    }

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
        assertThat(state.close(null, CloseStatus.SLOW_CONSUMER, 10)).isSameAs(first);
        assertThat(state.close(null, CloseStatus.SERVER_SHUTDOWN, 20)).isNull();
        assertThat(state.phase()).isEqualTo(SessionState.Phase.CLOSING);
        assertThat(state.closeRequestedNanos()).isNotZero();

        assertThat(state.ended(first, CloseStatus.ABNORMAL, 30)).isEqualTo(new SessionState.End(CloseStatus.SLOW_CONSUMER, false));
        assertThat(state.ended(first, CloseStatus.ABNORMAL, 31)).as("reported once").isNull();
        assertThat(state.phase()).isEqualTo(SessionState.Phase.CLOSED);
        assertThat(state.isVisible()).isFalse();
    }

    @Test
    void withoutAHubReasonTheTransportsStatusIsReported() {
        state.opened();
        assertThat(state.ended(first, new CloseStatus(1000, ""), 1).status()).isEqualTo(new CloseStatus(1000, ""));
    }

    @Test
    void aDropEndsAnOpenSessionOrFollowsAClose() {
        state.opened();
        assertThat(state.abort(first, CloseStatus.WRITE_TIMEOUT, 5)).isEqualTo(SessionState.Abort.END_AND_DROP);
        assertThat(state.abort(first, CloseStatus.WRITE_TIMEOUT, 6)).isEqualTo(SessionState.Abort.NOTHING);

        SessionState<Object> closing = on(first, false);
        closing.opened();
        closing.close(first, CloseStatus.HEARTBEAT_TIMEOUT, 1);
        assertThat(closing.abort(first, CloseStatus.HEARTBEAT_TIMEOUT, 2)).isEqualTo(SessionState.Abort.DROP);
        closing.ended(first, CloseStatus.ABNORMAL, 3);
        assertThat(closing.abort(first, CloseStatus.HEARTBEAT_TIMEOUT, 3)).as("nothing left to drop").isEqualTo(SessionState.Abort.NOTHING);
    }

    @Test
    void aSessionClosedWhileOpeningSkipsItsHandlerAndStaysClosing() {
        state.close(null, CloseStatus.SERVER_SHUTDOWN, 1);
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
        assertThat(state.mayDemand(first)).isTrue();
        state.suspendReading();
        assertThat(state.mayDemand(first)).isFalse();
        assertThat(state.resumeReading()).isSameAs(first);
        assertThat(state.resumeReading()).isNull();
        state.ended(first, CloseStatus.ABNORMAL, 1);
        assertThat(state.mayDemand(first)).isFalse();
    }

    // ---- held for resume ----

    @Test
    void withResumeOnAnAccidentalEndHoldsTheSessionStillVisible() {
        SessionState<Object> s = openHolding();
        assertThat(s.ended(first, CloseStatus.ABNORMAL, 100)).isEqualTo(new SessionState.End(CloseStatus.ABNORMAL, true));
        assertThat(s.phase()).isEqualTo(SessionState.Phase.HELD);
        assertThat(s.isVisible()).isTrue();
        assertThat(s.mayDemand(first)).isFalse();
        assertThat(s.ended(first, CloseStatus.ABNORMAL, 101)).as("reported once").isNull();
    }

    @Test
    void theClientsOwnNormalCloseAndClosesForAbuseEndForGood() {
        assertThat(SessionState.endsForGood(new CloseStatus(1000, ""), true)).isTrue();
        assertThat(SessionState.endsForGood(new CloseStatus(1005, ""), true)).as("a close frame without a code").isTrue();
        assertThat(SessionState.endsForGood(new CloseStatus(1002, "bad frame"), true)).isTrue();
        assertThat(SessionState.endsForGood(new CloseStatus(1007, "Invalid UTF-8"), true)).isTrue();
        assertThat(SessionState.endsForGood(CloseStatus.MESSAGE_TOO_BIG, false)).isTrue();
        assertThat(SessionState.endsForGood(CloseStatus.RATE_LIMIT_EXCEEDED, false)).isTrue();
        assertThat(SessionState.endsForGood(new CloseStatus(1008, "Kicked"), false)).as("an application's policy close").isTrue();

        assertThat(SessionState.endsForGood(new CloseStatus(1000, ""), false)).as("a server-side 1000").isFalse();
        assertThat(SessionState.endsForGood(new CloseStatus(1001, "Going away"), true)).as("a client's other code").isFalse();
        assertThat(SessionState.endsForGood(new CloseStatus(4000, "app"), true)).isFalse();
        assertThat(SessionState.endsForGood(CloseStatus.ABNORMAL, true)).isFalse();
        assertThat(SessionState.endsForGood(CloseStatus.SERVER_SHUTDOWN, false)).isFalse();
        assertThat(SessionState.endsForGood(CloseStatus.HEARTBEAT_TIMEOUT, false)).isFalse();
        assertThat(SessionState.endsForGood(CloseStatus.SLOW_CONSUMER, false)).isFalse();
        assertThat(SessionState.endsForGood(CloseStatus.WRITE_TIMEOUT, false)).isFalse();
        assertThat(SessionState.endsForGood(CloseStatus.SERVER_ERROR, false)).isFalse();
    }

    @Test
    void theClientsNormalCloseEndsTheSessionEvenWithResumeOn() {
        SessionState<Object> s = openHolding();
        assertThat(s.ended(first, CloseStatus.NORMAL, 1).held()).isFalse();
        assertThat(s.phase()).isEqualTo(SessionState.Phase.CLOSED);
    }

    @Test
    void aSessionWhoseOnOpenNeverRanIsNotHeld() {
        SessionState<Object> s = on(first, true);
        s.close(null, CloseStatus.SERVER_SHUTDOWN, 1);
        assertThat(s.ended(first, CloseStatus.ABNORMAL, 2).held()).isFalse();
    }

    @Test
    void aResumeMovesAHeldSessionToItsNewConnectionWithFreshFlags() {
        SessionState<Object> s = openHolding();
        s.abort(first, CloseStatus.WRITE_TIMEOUT, 1);
        s.ended(first, CloseStatus.ABNORMAL, 2);
        assertThat(s.reserveResume()).isTrue();
        assertThat(s.reserveResume()).as("one resume at a time").isFalse();

        Object second = new Object();
        assertThat(s.attach(second)).isEqualTo(new SessionState.Attached<>(true, null));
        assertThat(s.phase()).isEqualTo(SessionState.Phase.OPEN);
        assertThat(s.link()).isSameAs(second);
        assertThat(s.mayDemand(second)).isTrue();
        assertThat(s.mayDemand(first)).as("the old connection").isFalse();
        assertThat(s.abort(second, CloseStatus.SLOW_CONSUMER, 3)).as("not dropped yet on this one")
                .isEqualTo(SessionState.Abort.END_AND_DROP);
    }

    @Test
    void aResumeTakesOverAnOpenSessionAndWhatItsOldConnectionReportsIsIgnored() {
        SessionState<Object> s = openHolding();
        Object second = new Object();
        assertThat(s.reserveResume()).isTrue();
        assertThat(s.attach(second)).isEqualTo(new SessionState.Attached<>(true, first));
        assertThat(s.ended(first, CloseStatus.NORMAL, 5)).as("the old connection's end").isNull();
        assertThat(s.close(first, CloseStatus.HEARTBEAT_TIMEOUT, 5)).isNull();
        assertThat(s.abort(first, CloseStatus.WRITE_TIMEOUT, 5)).isEqualTo(SessionState.Abort.NOTHING);
        assertThat(s.phase()).isEqualTo(SessionState.Phase.OPEN);
    }

    @Test
    void theWindowEndsAHeldSessionUnlessAResumeIsPending() {
        SessionState<Object> s = openHolding();
        s.ended(first, CloseStatus.HEARTBEAT_TIMEOUT, 100);
        assertThat(s.expire(100 + WINDOW - 1, WINDOW)).isNull();
        s.reserveResume();
        assertThat(s.expire(100 + WINDOW, WINDOW)).as("a resume is opening").isNull();
        s.resumeAbandoned();
        assertThat(s.expire(100 + WINDOW, WINDOW)).isEqualTo(CloseStatus.HEARTBEAT_TIMEOUT);
        assertThat(s.phase()).isEqualTo(SessionState.Phase.CLOSED);
        assertThat(s.isVisible()).isFalse();
        assertThat(s.reserveResume()).isFalse();
        assertThat(s.attach(new Object()).moved()).isFalse();
    }

    @Test
    void onlyAHeldSessionEndsWhenTheShutdownIsOver() {
        SessionState<Object> s = openHolding();
        assertThat(s.endHeld()).isNull();
        s.ended(first, CloseStatus.SERVER_SHUTDOWN, 1);
        assertThat(s.endHeld()).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
        assertThat(s.endHeld()).isNull();
    }

    @Test
    void aHeldSessionLetsGoOfItsConnectionUnlessAResumeAttachedAnother() {
        Object nothing = new Object();
        SessionState<Object> s = openHolding();
        s.detach(first, nothing);
        assertThat(s.link()).as("still open: nothing to let go of").isSameAs(first);
        s.ended(first, CloseStatus.ABNORMAL, 1);
        s.detach(first, nothing);
        assertThat(s.link()).isSameAs(nothing);
        assertThat(s.ended(first, CloseStatus.ABNORMAL, 2)).as("the old connection's late report").isNull();

        Object second = new Object();
        s.attach(second);
        s.detach(nothing, new Object());
        assertThat(s.link()).isSameAs(second);
    }
}
