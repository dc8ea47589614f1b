package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.Message;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.OverflowPolicy;
import io.wshub.SendResult;
import io.wshub.Session;
import io.wshub.spi.MetricsListener;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Slow consumers: bounded queues, the three overflow policies, the write timeout. */
class BackpressureTest {

    private static final HubHandler NO_HANDLER = new HubHandler() {
    };

    /** Remembers how each session ended. */
    private static final class CloseRecorder implements HubHandler {
        final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onClose(Session session, CloseStatus status) {
            closes.add(status);
        }
    }

    private static HubOptions queueOf(int messages, OverflowPolicy policy) {
        return HubOptions.builder().maxQueuedMessages(messages).overflowPolicy(policy).build();
    }

    /** Sends m0..m(n-1); m0 goes straight into the write in flight, the rest queue behind it. */
    private static List<SendResult> sendNumbered(Session session, int n) {
        List<SendResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(session.send("m" + i));
        }
        return results;
    }

    private static List<String> texts(InMemoryClient client) {
        return client.drain().stream().map(InMemoryClient.Received::text).toList();
    }

    @Test
    void theAgeOfTheOldestQueuedMessageShowsHowFarBehindAReaderIsAndTheMetricsHearTheHubsLargest() {
        List<Long> heard = new CopyOnWriteArrayList<>();
        MetricsListener ages = new MetricsListener() {
            @Override
            public void oldestQueuedMessageAge(long nanos) {
                heard.add(nanos);
            }
        };
        try (HubFixture t = HubFixture.with(b -> b.handler(NO_HANDLER).metrics(ages))) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            Session session = t.session("slow");
            assertThat(session.stats().oldestQueuedAge()).isZero();

            sendNumbered(session, 2); // m0 in flight, m1 waits
            t.advance(Duration.ofSeconds(3));
            session.send("m2");
            t.advance(Duration.ofSeconds(2));

            assertThat(session.stats().oldestQueuedAge()).isEqualTo(Duration.ofSeconds(5));
            assertThat(heard).as("at each tick").isNotEmpty();
            assertThat(heard.get(heard.size() - 1)).isEqualTo(Duration.ofSeconds(5).toNanos());

            slow.resumeReading();
            assertThat(texts(slow)).containsExactly("m0", "m1", "m2");
            assertThat(session.stats().oldestQueuedAge()).isZero();
        }
    }

    @Test
    void dropNewestRefusesWhatNoLongerFitsAndKeepsTheQueue() {
        try (HubFixture t = HubFixture.of(queueOf(4, OverflowPolicy.DROP_NEWEST), NO_HANDLER)) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            List<SendResult> results = sendNumbered(t.session("slow"), 6);

            assertThat(results).containsExactly(SendResult.QUEUED, SendResult.QUEUED, SendResult.QUEUED,
                    SendResult.QUEUED, SendResult.QUEUED, SendResult.DROPPED);
            assertThat(t.session("slow").stats().queuedMessages()).isEqualTo(4);
            assertThat(t.hub().stats().droppedNewest()).isEqualTo(1);

            slow.resumeReading();
            assertThat(texts(slow)).containsExactly("m0", "m1", "m2", "m3", "m4");
            assertThat(t.session("slow").isOpen()).isTrue();
        }
    }

    @Test
    void dropOldestDiscardsTheOldestQueuedToMakeRoom() {
        try (HubFixture t = HubFixture.of(queueOf(4, OverflowPolicy.DROP_OLDEST), NO_HANDLER)) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            List<SendResult> results = sendNumbered(t.session("slow"), 7);

            assertThat(results).containsOnly(SendResult.QUEUED);
            assertThat(t.hub().stats().droppedOldest()).isEqualTo(2);
            assertThat(t.session("slow").stats().messagesDropped()).isEqualTo(2);

            slow.resumeReading();
            // m0 was already in flight; m1 and m2 were the oldest queued.
            assertThat(texts(slow)).containsExactly("m0", "m3", "m4", "m5", "m6");
        }
    }

    @Test
    void disconnectDiscardsTheQueueAndDropsTheSlowConsumerReportingSlowConsumer() {
        CloseRecorder handler = new CloseRecorder();
        List<CloseStatus> closes = handler.closes;
        try (HubFixture t = HubFixture.of(queueOf(4, OverflowPolicy.DISCONNECT), handler)) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            Session session = t.session("slow");
            List<SendResult> results = sendNumbered(session, 6);

            assertThat(results).endsWith(SendResult.CLOSED);
            assertThat(session.isOpen()).isFalse();
            assertThat(session.send("after")).isEqualTo(SendResult.CLOSED);
            assertThat(t.hub().stats().slowConsumerDisconnects()).isEqualTo(1);

            // Dropped, not closed with a handshake: its peer reads nothing, so a close frame would
            // wait behind what it does not read and the kernel would hold those bytes meanwhile.
            assertThat(slow.awaitClose(WAIT)).isEqualTo(CloseStatus.ABNORMAL);
            assertThat(closes).containsExactly(CloseStatus.SLOW_CONSUMER);
            slow.resumeReading();
            assertThat(texts(slow)).isSubsetOf("m0"); // at most what was already in flight
        }
    }

    @Test
    void aSlowConsumerThatNeverReadsIsDroppedAtOnceWithoutWaitingForTheCloseTimeout() {
        HubOptions options = queueOf(2, OverflowPolicy.DISCONNECT).toBuilder().closeTimeout(Duration.ofSeconds(3)).build();
        try (HubFixture t = HubFixture.of(options, NO_HANDLER)) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            sendNumbered(t.session("slow"), 4);

            assertThat(slow.awaitClose(WAIT).code()).isEqualTo(1006);
            assertThat(t.hub().sessionCount()).isZero();
        }
    }

    @Test
    void theByteLimitBoundsTheQueueToo() {
        HubOptions options = HubOptions.builder().maxQueuedBytes(100).overflowPolicy(OverflowPolicy.DROP_NEWEST).build();
        try (HubFixture t = HubFixture.of(options, NO_HANDLER)) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            Session session = t.session("slow");
            String forty = "x".repeat(40);

            assertThat(session.send(forty)).isEqualTo(SendResult.QUEUED); // in flight
            assertThat(session.send(forty)).isEqualTo(SendResult.QUEUED);
            assertThat(session.send(forty)).isEqualTo(SendResult.QUEUED);
            assertThat(session.send(forty)).isEqualTo(SendResult.DROPPED);
            assertThat(session.stats().queuedBytes()).isEqualTo(80);
            assertThat(t.hub().stats().queuedBytes()).isEqualTo(80);
        }
    }

    @Test
    void anEmptyQueueTakesAMessageLargerThanItsByteLimit() {
        HubOptions options = HubOptions.builder().maxQueuedBytes(10).overflowPolicy(OverflowPolicy.DROP_NEWEST).build();
        try (HubFixture t = HubFixture.of(options, NO_HANDLER)) {
            InMemoryClient slow = t.client("slow");
            slow.pauseReading();
            Session session = t.session("slow");
            assertThat(session.send("in flight")).isEqualTo(SendResult.QUEUED);
            assertThat(session.send("a message of more than ten bytes")).isEqualTo(SendResult.QUEUED);
            assertThat(session.send("more")).isEqualTo(SendResult.DROPPED);
        }
    }

    @Test
    void aWriteStuckLongerThanTheWriteTimeoutDisconnectsTheSession() {
        CloseRecorder handler = new CloseRecorder();
        List<CloseStatus> closes = handler.closes;
        HubOptions options = HubOptions.builder().writeTimeout(Duration.ofSeconds(10)).build();
        try (HubFixture t = HubFixture.of(options, handler)) {
            InMemoryClient stuck = t.client("stuck");
            stuck.pauseReading();
            t.session("stuck").send("never read");

            t.advance(Duration.ofSeconds(9));
            assertThat(stuck.isClosed()).isFalse();
            t.advance(Duration.ofSeconds(2));

            assertThat(stuck.awaitClose(WAIT).code()).isEqualTo(1006); // dropped: no close frame can pass the stuck write
            assertThat(closes).containsExactly(CloseStatus.WRITE_TIMEOUT);
            assertThat(t.hub().stats().slowConsumerDisconnects()).isEqualTo(1);
            assertThat(t.hub().stats().errors(ErrorKind.WRITE_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void aReaderThatKeepsUpIsNeverTimedOut() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), NO_HANDLER)) {
            InMemoryClient reader = t.client("reader");
            for (int second = 0; second < 30; second++) {
                t.session("reader").send("tick " + second);
                t.advance(Duration.ofSeconds(1));
            }
            assertThat(reader.isClosed()).isFalse();
            assertThat(reader.drain()).hasSize(30);
        }
    }

    @Test
    void framesQueuedBehindAWriteGoOutTogetherInTheNextWrite() {
        List<Integer> writeSizes = new CopyOnWriteArrayList<>();
        MetricsListener metrics = new MetricsListener() {
            @Override
            public void messagesWritten(Session session, int messages, long bytes) {
                writeSizes.add(messages);
            }
        };
        try (HubFixture t = HubFixture.with(b -> b.options(HubOptions.defaults()).handler(NO_HANDLER).metrics(metrics))) {
            InMemoryClient client = t.client("c");
            client.pauseReading();
            sendNumbered(t.session("c"), 5);
            client.resumeReading();

            assertThat(writeSizes).containsExactly(1, 4);
            assertThat(texts(client)).containsExactly("m0", "m1", "m2", "m3", "m4");
        }
    }

    @Test
    void aSessionIsWritableUntilItsQueueIsHalfFull() {
        try (HubFixture t = HubFixture.of(queueOf(8, OverflowPolicy.DROP_NEWEST), NO_HANDLER)) {
            InMemoryClient client = t.client("c");
            client.pauseReading();
            Session session = t.session("c");
            sendNumbered(session, 4); // one in flight, three queued
            assertThat(session.isWritable()).isTrue();
            session.send("fifth");
            assertThat(session.isWritable()).isFalse();
            client.resumeReading();
            assertThat(session.isWritable()).isTrue();
        }
    }

    @Test
    void aBroadcastHandsTheSameFrameToEveryRecipient() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), NO_HANDLER)) {
            List<CapturingConnection> connections = List.of(new CapturingConnection(), new CapturingConnection(),
                    new CapturingConnection());
            for (CapturingConnection c : connections) {
                c.openOn(t.hub());
            }
            Message frame = Message.text("to everyone");
            assertThat(t.hub().broadcast(frame)).isEqualTo(3);
            for (CapturingConnection c : connections) {
                assertThat(c.sent()).singleElement().isSameAs(frame);
            }
        }
    }

    @Test
    void aSlowConsumerDoesNotHoldUpTheOthers() {
        try (HubFixture t = HubFixture.of(queueOf(4, OverflowPolicy.DISCONNECT), NO_HANDLER)) {
            InMemoryClient slow = t.client("slow");
            InMemoryClient fast = t.client("fast");
            slow.pauseReading();
            for (int i = 0; i < 20; i++) {
                t.hub().broadcast(Message.text("b" + i));
            }
            assertThat(texts(fast)).hasSize(20);
            assertThat(t.hub().session("slow")).isEmpty();
            assertThat(t.hub().stats().slowConsumerDisconnects()).isEqualTo(1);
        }
    }
}
