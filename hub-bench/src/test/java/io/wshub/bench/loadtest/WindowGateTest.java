package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WindowGateTest {

    private static final long LONG_STALL = TimeUnit.SECONDS.toNanos(60);

    /** A subscriber whose progress the test sets by hand. */
    private static final class FakeSubscriber implements Paced {
        volatile long lastSeq = -1;
        volatile boolean open = true;
        volatile boolean stalled;

        @Override
        public boolean isPacing() {
            return open && !stalled;
        }

        @Override
        public long lastSeq() {
            return lastSeq;
        }

        @Override
        public void markStalled() {
            stalled = true;
        }

        void receive(WindowGate gate, long seq) {
            long previous = lastSeq;
            lastSeq = seq;
            gate.advanced(previous, seq);
        }
    }

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void thePublisherMayRunAWindowAheadOfASubscriberThatReceivedNothing() {
        FakeSubscriber subscriber = new FakeSubscriber();
        WindowGate gate = new WindowGate(List.of(subscriber), 4, LONG_STALL);

        for (long seq = 0; seq < 4; seq++) {
            assertThat(gate.awaitRoom(seq, in(1_000))).isTrue();
        }
        assertThat(gate.awaitRoom(4, in(50))).isFalse();
    }

    @Test
    void theSlowestSubscriberDecides() {
        FakeSubscriber fast = new FakeSubscriber();
        FakeSubscriber slow = new FakeSubscriber();
        WindowGate gate = new WindowGate(List.of(fast, slow), 2, LONG_STALL);
        fast.lastSeq = 9;
        slow.lastSeq = 0;

        assertThat(gate.awaitRoom(2, in(1_000))).isTrue();
        assertThat(gate.awaitRoom(3, in(50))).isFalse();
    }

    @Test
    void aWaitingPublisherGoesOnOnceTheLastSubscriberBehindCatchesUp() throws Exception {
        FakeSubscriber a = new FakeSubscriber();
        FakeSubscriber b = new FakeSubscriber();
        WindowGate gate = new WindowGate(List.of(a, b), 1, LONG_STALL);

        CompletableFuture<Boolean> room = CompletableFuture.supplyAsync(() -> gate.awaitRoom(1, in(10_000)));
        a.receive(gate, 0);
        assertThat(room).isNotDone();
        b.receive(gate, 0);

        assertThat(room.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aClosedSubscriberNoLongerHoldsThePublisherUp() {
        FakeSubscriber open = new FakeSubscriber();
        FakeSubscriber closed = new FakeSubscriber();
        WindowGate gate = new WindowGate(List.of(open, closed), 1, LONG_STALL);
        open.lastSeq = 5;
        closed.open = false;

        assertThat(gate.awaitRoom(6, in(1_000))).isTrue();
    }

    @Test
    void aSubscriberThatStopsReceivingIsGivenUpOnAfterTheStallTimeout() {
        FakeSubscriber healthy = new FakeSubscriber();
        FakeSubscriber stuck = new FakeSubscriber();
        WindowGate gate = new WindowGate(List.of(healthy, stuck), 1, TimeUnit.MILLISECONDS.toNanos(20));
        healthy.lastSeq = 3;

        assertThat(gate.awaitRoom(4, in(5_000))).isTrue();

        assertThat(stuck.stalled).isTrue();
        assertThat(healthy.stalled).isFalse();
        assertThat(gate.stalled()).isEqualTo(1);
    }

    @Test
    void withNoSubscriberLeftThePublisherStops() {
        FakeSubscriber gone = new FakeSubscriber();
        gone.open = false;
        WindowGate gate = new WindowGate(List.of(gone), 1, LONG_STALL);

        assertThat(gate.awaitRoom(5, in(1_000))).isFalse();
    }
}
