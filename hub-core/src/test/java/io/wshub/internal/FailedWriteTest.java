package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubStats;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A write that fails synchronously in the middle of its batch, on the hub's real flush thread:
 * the failing session loses no frame to a null and is closed, and the same flush lane goes on
 * serving every other session.
 */
class FailedWriteTest {

    /** Writes every frame it is given; when told to, fails the batch at its second frame, inside send. */
    private static final class Recording implements Connection {
        final List<Message> written = new CopyOnWriteArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicBoolean aborted = new AtomicBoolean();
        volatile boolean sawNull;
        ConnectionListener listener;

        @Override
        public void send(Message[] frames, int count, SendCallback callback) {
            for (int i = 0; i < count; i++) {
                if (failing.get() && i == 1) {
                    callback.failed(new IOException("connection reset mid-batch"));
                }
                if (frames[i] == null) {
                    sawNull = true;
                } else {
                    written.add(frames[i]);
                }
            }
            if (!failing.get() || count < 2) {
                callback.succeeded();
            }
        }

        @Override
        public void ping(ByteBuffer payload) {
        }

        @Override
        public void close(CloseStatus status) {
        }

        @Override
        public void abort() {
            aborted.set(true);
            listener.onClose(CloseStatus.ABNORMAL);
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
    void aBatchFailingInTheMiddleClosesItsSessionAndTheFlushLaneServesTheOthers() {
        FlushLanes oneLane = new FlushLanes(1, "test-failed-write-", failure -> { });
        Hub hub = Hub.builder().handler(new HubHandler() {
        }).flushExecutor(oneLane).build();
        try {
            List<Recording> healthy = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                healthy.add(open(hub, new Recording()));
            }
            Recording failing = open(hub, new Recording());
            failing.failing.set(true);
            // Fan-outs to more than a few recipients go through the flush lane; bursts make batches.
            for (int i = 0; i < 200; i++) {
                hub.broadcast(Message.text("m" + i));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> failing.aborted.get() && hub.sessionCount() == 8);
            for (int i = 200; i < 400; i++) {
                hub.broadcast(Message.text("m" + i));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> healthy.stream().allMatch(c -> c.written.size() == 400));
            assertThat(failing.sawNull).as("a frame of the failing batch read as null").isFalse();
            for (Recording c : healthy) {
                assertThat(c.written).extracting(Message::text).startsWith("m0", "m1").endsWith("m398", "m399");
            }
            HubStats stats = hub.stats();
            assertThat(stats.errors(io.wshub.ErrorKind.TRANSPORT)).isEqualTo(1);
        } finally {
            assertThat(hub.shutdown(Duration.ZERO)).succeedsWithin(10, TimeUnit.SECONDS);
            oneLane.shutdown();
        }
    }

    private static Recording open(Hub hub, Recording connection) {
        Admission.Accepted a = (Admission.Accepted) hub.acceptor().admit(Handshake.builder().path("/ws").build());
        connection.listener = a.open(connection);
        return connection;
    }
}
