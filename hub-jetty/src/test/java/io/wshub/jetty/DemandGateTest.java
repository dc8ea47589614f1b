package io.wshub.jetty;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub's message demand over Jetty's one-frame-at-a-time demand. */
class DemandGateTest {

    private final AtomicInteger jettyDemands = new AtomicInteger();
    private final DemandGate gate = new DemandGate(jettyDemands::incrementAndGet);

    @Test
    void demandsAheadAreServedOneJettyDemandAtATime() {
        gate.demand();
        gate.demand();
        gate.demand();
        assertThat(jettyDemands).hasValue(1); // a second pending Jetty demand would throw

        assertThat(gate.messageArrived()).isTrue();
        gate.messageHandled();
        assertThat(jettyDemands).hasValue(2);
        assertThat(gate.messageArrived()).isTrue();
        gate.messageHandled();
        assertThat(gate.messageArrived()).isTrue();
        gate.messageHandled();
        assertThat(jettyDemands).hasValue(3); // nothing more was asked for
    }

    @Test
    void aDemandMadeWhileTheMessageIsHandledIsTheNextJettyDemand() {
        gate.demand();
        assertThat(gate.messageArrived()).isTrue();
        gate.demand(); // the hub asks for the next one from inside its callback
        gate.messageHandled();
        assertThat(jettyDemands).hasValue(2);
    }

    @Test
    void aControlFrameRenewsTheDemandItUsedUp() {
        gate.demand();
        gate.controlFrameArrived();
        gate.controlFrameArrived();
        assertThat(jettyDemands).hasValue(3);
        assertThat(gate.messageArrived()).isTrue();
    }

    @Test
    void nothingIsRenewedWhenNoOneWantsMore() {
        gate.controlFrameArrived();
        gate.demand();
        gate.end();
        gate.controlFrameArrived();
        gate.demand();
        assertThat(jettyDemands).hasValue(1);
    }

    @Test
    void aClosingConnectionReadsOnAndDropsWhatTheHubDidNotAskFor() {
        gate.readUntilClose();
        assertThat(jettyDemands).hasValue(1);
        assertThat(gate.messageArrived()).isFalse(); // dropped, not delivered
        gate.messageHandled();
        assertThat(jettyDemands).hasValue(2); // and reading goes on, for the close frame
    }
}
