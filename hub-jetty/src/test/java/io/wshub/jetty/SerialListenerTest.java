package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.spi.ConnectionListener;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection's events reach the hub in order, one at a time, the close once and last. */
class SerialListenerTest {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final SerialListener events = new SerialListener();

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

    @Test
    void whatArrivesBeforeTheHubOpenedWaitsAndIsDeliveredInOrder() {
        AtomicInteger released = new AtomicInteger();
        events.text("early");
        events.binary(ByteBuffer.allocate(3), released::incrementAndGet);
        assertThat(seen).isEmpty();
        assertThat(released).hasValue(0); // the buffer stays valid until delivered

        events.open(recorder);
        events.pong(ByteBuffer.allocate(0));

        assertThat(seen).containsExactly("text early", "binary 3", "pong");
        assertThat(released).hasValue(1);
    }

    @Test
    void onlyTheFirstCloseCountsAndNothingFollowsIt() {
        AtomicInteger released = new AtomicInteger();
        events.open(recorder);
        events.error(new IllegalStateException("broken"));
        events.close(new CloseStatus(1006, ""));
        events.close(new CloseStatus(1000, ""));
        events.text("late");
        events.binary(ByteBuffer.allocate(1), released::incrementAndGet);

        assertThat(seen).containsExactly("error broken", "close 1006");
        assertThat(released).hasValue(1); // discarded, but its buffer is given back
    }

    @Test
    void anEventSubmittedDuringADeliveryWaitsForItsTurn() {
        ConnectionListener reentrant = new ConnectionListener() {
            @Override
            public void onText(String text) {
                seen.add("start " + text);
                if (text.equals("first")) {
                    events.text("second"); // as Jetty may report from another thread meanwhile
                }
                seen.add("end " + text);
            }

            @Override
            public void onBinary(ByteBuffer data) {
            }

            @Override
            public void onPong(ByteBuffer payload) {
            }

            @Override
            public void onError(Throwable cause) {
            }

            @Override
            public void onClose(CloseStatus status) {
            }
        };
        events.open(reentrant);
        events.text("first");
        assertThat(seen).containsExactly("start first", "end first", "start second", "end second");
    }

    @Test
    void anAbandonedConnectionGivesBackWhatWaited() {
        AtomicInteger released = new AtomicInteger();
        events.binary(ByteBuffer.allocate(2), released::incrementAndGet);
        events.abandon();
        events.binary(ByteBuffer.allocate(2), released::incrementAndGet);
        assertThat(released).hasValue(2);
    }
}
