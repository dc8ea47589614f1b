package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What reaches the application from a peer: order, size limit, handler failures, demand. */
class InboundTest {

    /** Records texts and notices overlapping calls for the same session. */
    private static final class Recorder implements HubHandler {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<Integer> binarySizes = new CopyOnWriteArrayList<>();
        final List<CloseStatus> closes = new CopyOnWriteArrayList<>();
        final AtomicInteger inside = new AtomicInteger();
        volatile boolean overlapped;

        @Override
        public void onText(Session session, String text) {
            if (inside.incrementAndGet() > 1) {
                overlapped = true;
            }
            texts.add(text);
            inside.decrementAndGet();
        }

        @Override
        public void onBinary(Session session, ByteBuffer data) {
            binarySizes.add(data.remaining());
        }

        @Override
        public void onClose(Session session, CloseStatus status) {
            closes.add(status);
        }
    }

    private static HubOptions unlimited() {
        return HubOptions.builder().rateLimit(RateLimit.UNLIMITED).build();
    }

    @Test
    void messagesReachTheHandlerInOrderOneAtATime() throws Exception {
        Recorder recorder = new Recorder();
        try (HubFixture t = HubFixture.of(unlimited(), recorder)) {
            InMemoryClient c = t.client("c");
            List<Thread> senders = new ArrayList<>();
            // Several threads writing into one connection, as a transport's readers might race.
            for (int s = 0; s < 4; s++) {
                int sender = s;
                senders.add(new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        c.sendText(sender + ":" + i);
                    }
                }));
            }
            senders.forEach(Thread::start);
            for (Thread s : senders) {
                s.join(WAIT.toMillis());
            }
            assertThat(recorder.texts).hasSize(2000);
            assertThat(recorder.overlapped).isFalse();
            for (int s = 0; s < 4; s++) {
                String prefix = s + ":";
                List<String> own = recorder.texts.stream().filter(x -> x.startsWith(prefix)).toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    expected.add(prefix + i);
                }
                assertThat(own).isEqualTo(expected);
            }
        }
    }

    @Test
    void aMessageAtTheLimitPassesAndOneByteMoreClosesWith1009() {
        Recorder recorder = new Recorder();
        HubOptions options = unlimited().toBuilder().maxMessageBytes(10).build();
        try (HubFixture t = HubFixture.of(options, recorder)) {
            InMemoryClient c = t.client("c");
            c.sendText("ééééé"); // 10 UTF-8 bytes in 5 chars
            c.sendBinary(new byte[10]);
            assertThat(c.isClosed()).isFalse();
            c.sendText("éééééa");
            assertThat(c.awaitClose(WAIT)).isEqualTo(CloseStatus.MESSAGE_TOO_BIG);
            assertThat(recorder.texts).containsExactly("ééééé");
            assertThat(recorder.binarySizes).containsExactly(10);
            assertThat(t.hub().stats().errors(ErrorKind.MESSAGE_TOO_BIG)).isEqualTo(1);
        }
    }

    @Test
    void anOversizedBinaryMessageClosesWith1009() {
        try (HubFixture t = HubFixture.of(unlimited().toBuilder().maxMessageBytes(10).build(), new Recorder())) {
            InMemoryClient c = t.client("c");
            c.sendBinary(new byte[11]);
            assertThat(c.awaitClose(WAIT).code()).isEqualTo(1009);
        }
    }

    @Test
    void aHandlerThatThrowsClosesItsSessionWith1011AndTheHubGoesOn() {
        HubHandler failing = new HubHandler() {
            @Override
            public void onText(Session session, String text) {
                if (text.equals("boom")) {
                    throw new IllegalStateException("application bug");
                }
                session.send("ok " + text);
            }
        };
        try (HubFixture t = HubFixture.of(unlimited(), failing)) {
            InMemoryClient bad = t.client("bad");
            InMemoryClient good = t.client("good");
            bad.sendText("boom");
            assertThat(bad.awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_ERROR);
            good.sendText("hello");
            assertThat(good.nextText(WAIT)).isEqualTo("ok hello");
            assertThat(t.hub().stats().errors(ErrorKind.HANDLER)).isEqualTo(1);
        }
    }

    @Test
    void aSuspendedSessionGetsAtMostTheMessageAlreadyAskedForUntilResumed() {
        Recorder recorder = new Recorder();
        try (HubFixture t = HubFixture.of(unlimited(), recorder)) {
            InMemoryClient c = t.client("c");
            c.sendText("first");
            t.session("c").suspendReading();
            c.sendText("second"); // the demand made after "first" was already outstanding
            c.sendText("third");
            c.sendText("fourth");
            assertThat(recorder.texts).containsExactly("first", "second");

            t.session("c").resumeReading();
            assertThat(recorder.texts).containsExactly("first", "second", "third", "fourth");
        }
    }

    @Test
    void aSessionSuspendedFromItsOwnHandlerStopsAfterThatMessage() {
        List<String> seen = new CopyOnWriteArrayList<>();
        HubHandler handler = new HubHandler() {
            @Override
            public void onText(Session session, String text) {
                seen.add(text);
                if (text.equals("stop")) {
                    session.suspendReading();
                }
            }
        };
        try (HubFixture t = HubFixture.of(unlimited(), handler)) {
            InMemoryClient c = t.client("c");
            c.sendText("a");
            c.sendText("stop");
            c.sendText("b");
            assertThat(seen).containsExactly("a", "stop");
            t.session("c").resumeReading();
            assertThat(seen).containsExactly("a", "stop", "b");
        }
    }

    @Test
    void theCloseIsReportedOnceWithThePeersStatus() {
        Recorder recorder = new Recorder();
        try (HubFixture t = HubFixture.of(unlimited(), recorder)) {
            InMemoryClient c = t.client("c");
            c.close(4002, "leaving");
            assertThat(recorder.closes).containsExactly(new CloseStatus(4002, "leaving"));
            assertThat(t.hub().sessionCount()).isZero();
            await().atMost(WAIT).until(() -> t.hub().stats().disconnects() == 1);
        }
    }

    @Test
    void aDroppedConnectionIsReportedAs1006() {
        Recorder recorder = new Recorder();
        try (HubFixture t = HubFixture.of(unlimited(), recorder)) {
            t.client("c").abort();
            assertThat(recorder.closes).containsExactly(CloseStatus.ABNORMAL);
        }
    }

    @Test
    void closingFromTheApplicationSendsWhatWasQueuedFirst() {
        try (HubFixture t = HubFixture.of(unlimited(), new Recorder())) {
            InMemoryClient c = t.client("c");
            c.pauseReading();
            Session s = t.session("c");
            s.send("a");
            s.send("b");
            s.close(4000, "done");
            c.resumeReading();
            assertThat(c.nextText(WAIT)).isEqualTo("a");
            assertThat(c.nextText(WAIT)).isEqualTo("b");
            assertThat(c.awaitClose(WAIT)).isEqualTo(new CloseStatus(4000, "done"));
            assertThat(s.isOpen()).isFalse();
        }
    }

    @Test
    void aPeerThatStopsReadingIsStillDroppedAfterAClose() {
        try (HubFixture t = HubFixture.of(unlimited().toBuilder().closeTimeout(Duration.ofSeconds(2)).build(), new Recorder())) {
            InMemoryClient c = t.client("c");
            c.answerClose(false);
            t.session("c").close(1000, "");
            t.advance(Duration.ofSeconds(3));
            assertThat(t.hub().sessionCount()).isZero();
        }
    }
}
