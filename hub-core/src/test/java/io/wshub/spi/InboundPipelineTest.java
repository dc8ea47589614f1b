package io.wshub.spi;

import io.wshub.CloseStatus;
import io.wshub.testing.ForwardingListener;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection's inbound side: demand to reads, order, one at a time, one close and nothing after. */
class InboundPipelineTest {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private static final long LIMIT = 8;
    private final InboundPipeline inbound = new InboundPipeline(reads::incrementAndGet, LIMIT);

    private final ConnectionListener recorder = new ConnectionListener() {
        @Override
        public void onText(String text) {
            seen.add("text " + text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            seen.add("binary " + data.remaining());
        }

        @Override
        public void onPing(ByteBuffer payload) {
            seen.add("ping");
        }

        @Override
        public void onPong(ByteBuffer payload) {
            seen.add("pong");
        }

        @Override
        public void onError(Throwable cause) {
            seen.add("error " + cause.getMessage());
        }

        @Override
        public void onClose(CloseStatus status) {
            seen.add("close " + status.code());
        }
    };

    // ---- demand ----

    @Test
    void demandsAheadAreServedOneReadAtATime() {
        inbound.open(recorder);
        inbound.demand();
        inbound.demand();
        inbound.demand();
        assertThat(reads).hasValue(1); // a second outstanding read is never issued

        inbound.text("a");
        assertThat(reads).hasValue(2);
        inbound.text("b");
        inbound.text("c");
        assertThat(reads).hasValue(3); // nothing more was asked for
        assertThat(seen).containsExactly("text a", "text b", "text c");
    }

    @Test
    void aDemandMadeWhileAMessageIsDeliveredIsTheNextRead() {
        inbound.open(new ForwardingListener(recorder) {
            @Override
            public void onText(String text) {
                super.onText(text);
                inbound.demand(); // as the hub does once it handled a message
            }
        });
        inbound.demand();
        inbound.text("a");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aControlFrameRenewsTheReadItUsedUpAndIsDeliveredInOrder() {
        inbound.open(recorder);
        inbound.demand();
        inbound.ping(ByteBuffer.allocate(0));
        inbound.pong(ByteBuffer.allocate(0));
        assertThat(reads).hasValue(3);
        inbound.text("a");
        assertThat(seen).containsExactly("ping", "pong", "text a");
    }

    @Test
    void nothingIsReadWhenNoOneWantsMoreOrAfterTheClose() {
        inbound.open(recorder);
        inbound.pong(ByteBuffer.allocate(0));
        assertThat(reads).hasValue(0);
        inbound.demand();
        inbound.closed(new CloseStatus(1000, ""));
        inbound.pong(ByteBuffer.allocate(0));
        inbound.demand();
        assertThat(reads).hasValue(1);
    }

    @Test
    void aClosingConnectionReadsOnAndDropsWhatTheHubDidNotAskFor() {
        AtomicInteger released = new AtomicInteger();
        inbound.open(recorder);
        inbound.readUntilClose();
        assertThat(reads).hasValue(1);
        inbound.text("unasked");
        inbound.binary(ByteBuffer.allocate(4), released::incrementAndGet);
        assertThat(reads).hasValue(3); // and reading goes on, for the close frame
        inbound.closed(new CloseStatus(1000, ""));
        assertThat(seen).containsExactly("close 1000");
        assertThat(released).hasValue(1);
    }

    @Test
    void aTransportThatAnswersReadsOnTheSameThreadIsReadInALoopNotARecursion() {
        ArrayDeque<String> socket = new ArrayDeque<>();
        for (int i = 0; i < 10_000; i++) {
            socket.add("m" + i);
        }
        InboundPipeline[] self = new InboundPipeline[1];
        AtomicInteger deepest = new AtomicInteger();
        self[0] = new InboundPipeline(() -> {
            deepest.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
            String next = socket.pollFirst();
            if (next != null) {
                self[0].text(next); // answers the read at once, as the in-memory transport does
            }
        }, LIMIT);
        AtomicInteger delivered = new AtomicInteger();
        self[0].open(new ForwardingListener(recorder) {
            @Override
            public void onText(String text) {
                delivered.incrementAndGet();
            }
        });
        for (int i = 0; i < 10_000; i++) {
            self[0].demand();
        }
        assertThat(delivered).hasValue(10_000);
        assertThat(deepest.get()).isLessThan(Thread.currentThread().getStackTrace().length + 50);
    }

    // ---- order and the close ----

    @Test
    void whatArrivesBeforeTheHubOpenedWaitsAndIsDeliveredInOrder() {
        AtomicInteger released = new AtomicInteger();
        inbound.demand();
        inbound.demand();
        inbound.text("early");
        inbound.binary(ByteBuffer.allocate(3), released::incrementAndGet);
        assertThat(seen).isEmpty();
        assertThat(released).hasValue(0); // the buffer stays valid until delivered

        inbound.open(recorder);
        inbound.pong(ByteBuffer.allocate(0));

        assertThat(seen).containsExactly("text early", "binary 3", "pong");
        assertThat(released).hasValue(1);
    }

    @Test
    void onlyTheFirstCloseCountsAndNothingFollowsIt() {
        AtomicInteger released = new AtomicInteger();
        inbound.open(recorder);
        inbound.demand();
        inbound.demand();
        inbound.error(new IllegalStateException("broken"));
        inbound.closed(new CloseStatus(1006, ""));
        inbound.closed(new CloseStatus(1000, ""));
        inbound.text("late");
        inbound.binary(ByteBuffer.allocate(1), released::incrementAndGet);

        assertThat(seen).containsExactly("error broken", "close 1006");
        assertThat(released).hasValue(1); // discarded, but its buffer is given back
    }

    @Test
    void anEventReportedDuringADeliveryWaitsForItsTurn() {
        inbound.open(new ForwardingListener(recorder) {
            @Override
            public void onText(String text) {
                seen.add("start " + text);
                if (text.equals("first")) {
                    inbound.text("second"); // as Jetty may report from another thread meanwhile
                }
                seen.add("end " + text);
            }
        });
        inbound.demand();
        inbound.demand();
        inbound.text("first");
        assertThat(seen).containsExactly("start first", "end first", "start second", "end second");
    }

    @Test
    void anAbandonedConnectionGivesBackWhatWaited() {
        AtomicInteger released = new AtomicInteger();
        inbound.demand();
        inbound.binary(ByteBuffer.allocate(2), released::incrementAndGet);
        inbound.abandon();
        inbound.binary(ByteBuffer.allocate(2), released::incrementAndGet);
        assertThat(released).hasValue(2);
    }

    // ---- the size limit ----

    @Test
    void aMessageOverTheLimitIsNotDeliveredTheListenerHearsWhyAndTheReadIsUsedUp() {
        inbound.open(recorder);
        inbound.demand();
        inbound.demand();
        inbound.text("12345678"); // exactly the limit
        inbound.text("€€€"); // 3 chars, 9 bytes
        AtomicInteger released = new AtomicInteger();
        inbound.binary(ByteBuffer.allocate(9), released::incrementAndGet);

        assertThat(seen).containsExactly("text 12345678", "error message of 9 bytes or more, the limit is 8");
        assertThat(released).as("the refused buffer is given back").hasValue(1);
        assertThat(reads).as("the first read, then one for the second demand; none after it").hasValue(2);
    }

    @Test
    void aMessageAssembledFromFramesIsRefusedAsSoonAsItGrowsPastTheLimit() {
        inbound.open(recorder);
        inbound.demand();

        assertThat(inbound.withinLimit(8)).isTrue();
        assertThat(seen).isEmpty();
        assertThat(inbound.withinLimit(9)).isFalse();

        assertThat(seen).containsExactly("error message of 9 bytes or more, the limit is 8");
    }

    @Test
    void aMessageOverTheLimitWhileReadingOnToTheCloseIsDroppedWithoutAWord() {
        inbound.open(recorder);
        inbound.readUntilClose();
        inbound.text("far more than eight bytes");
        inbound.closed(CloseStatus.NORMAL);

        assertThat(seen).containsExactly("close 1000");
    }
}
