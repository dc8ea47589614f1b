package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.HubOptions;
import io.wshub.OverflowPolicy;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock order of RoomRegistry, checked where it matters: no close, abort or reported end ever
 * runs while the thread holds a room's lock, even on a transport that reports the end inside the
 * very call that asked for it, and even when one overflow closes others in cascade.
 */
class LockOrderTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * The harshest transport the SPI allows: writes to a stalled peer stay in flight for ever,
     * and a close or abort reports the end at once, on the calling thread.
     */
    private static final class EagerClosingConnection implements Connection {
        final List<String> roomLocksHeld;
        final boolean stalled;
        final List<Message> received = new CopyOnWriteArrayList<>();
        final AtomicBoolean ended = new AtomicBoolean();
        ConnectionListener listener;

        EagerClosingConnection(boolean stalled, List<String> roomLocksHeld) {
            this.stalled = stalled;
            this.roomLocksHeld = roomLocksHeld;
        }

        @Override
        public void send(Message[] frames, int count, SendCallback callback) {
            if (!stalled) {
                received.addAll(Arrays.asList(frames).subList(0, count));
                callback.succeeded();
            }
        }

        @Override
        public void ping(ByteBuffer payload) {
        }

        @Override
        public void close(CloseStatus status) {
            end(status, "close");
        }

        @Override
        public void abort() {
            end(CloseStatus.ABNORMAL, "abort");
        }

        private void end(CloseStatus status, String call) {
            noteRoomLocks(call);
            if (ended.compareAndSet(false, true)) {
                listener.onClose(status); // inside the call, as a transport may
            }
        }

        void noteRoomLocks(String where) {
            for (MonitorInfo m : THREADS.getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false)[0]
                    .getLockedMonitors()) {
                if (m.getClassName().equals(RoomRegistry.Room.class.getName())) {
                    roomLocksHeld.add(where + " under a room's lock");
                }
            }
        }

        @Override
        public void demand() {
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }
    }

    @Test
    void overflowsInsideRoomFanOutsCloseInCascadeWithNoRoomLockHeldAndNoNesting() {
        List<String> violations = new CopyOnWriteArrayList<>();
        HubOptions options = HubOptions.builder().maxQueuedMessages(4).overflowPolicy(OverflowPolicy.DISCONNECT).build();
        try (HubFixture t = HubFixture.of(options, RoomProtocol.router().build())) {
            List<EagerClosingConnection> stalled = new ArrayList<>();
            List<EagerClosingConnection> healthy = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                EagerClosingConnection c = new EagerClosingConnection(i % 2 == 0, violations);
                Admission.Accepted a = (Admission.Accepted) t.hub().acceptor().admit(Handshake.builder().path("/ws").build());
                c.listener = a.open(c);
                (c.stalled ? stalled : healthy).add(c);
                for (String room : List.of("a", "b", "c")) {
                    c.listener.onText("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
                }
            }
            // Every stalled session overflows during some fan-out of room "a"; its end leaves "a",
            // "b" and "c", announcing it to their members: thousands of closes and announcements
            // decided under room locks, on one thread.
            EagerClosingConnection sender = healthy.get(0);
            for (int i = 0; i < 10; i++) {
                sender.listener.onText("{\"type\":\"room_message\",\"room\":\"a\",\"content\":\"m" + i + "\"}");
            }

            assertThat(violations).isEmpty();
            assertThat(stalled).allSatisfy(c -> assertThat(c.ended).isTrue());
            assertThat(healthy).noneSatisfy(c -> assertThat(c.ended).isTrue());
            assertThat(t.hub().sessionCount()).isEqualTo(healthy.size());
            assertThat(t.hub().stats().slowConsumerDisconnects()).isEqualTo(stalled.size());
            assertThat(t.hub().rooms().localMembers("a")).hasSize(healthy.size());
            for (EagerClosingConnection c : healthy.subList(1, healthy.size())) {
                assertThat(c.received).extracting(Message::text).filteredOn(text -> text.contains("\"room_message\""))
                        .hasSize(10);
            }
        }
    }
}
