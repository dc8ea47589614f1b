package io.wshub.internal;

import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Session;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writability events (Netty's water marks): one when a session's queue rises to its high mark (half
 * its limit), one when it drains to its low mark (a quarter), so a producer can pause and resume.
 */
class WritabilityTest {

    /** Records every event, and pauses a producer on false as an application would. */
    private static final class Producer implements HubHandler {
        final List<Boolean> events = new CopyOnWriteArrayList<>();

        @Override
        public void onWritabilityChanged(Session session, boolean writable) {
            assertThat(session.isWritable()).isEqualTo(writable); // the state it tells is the one it reads
            events.add(writable);
        }
    }

    private final Producer producer = new Producer();
    // High mark 4 messages (half of 8), low mark 2 (a quarter).
    private final HubFixture server = HubFixture.of(HubOptions.builder().maxQueuedMessages(8).build(), producer);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void eventsFireOncePerCrossingOfEitherMark() {
        InMemoryClient client = server.client("reader");
        Session session = server.session("reader");
        client.pauseReading();

        session.send("in flight"); // the write in flight holds it: the queue is still empty
        for (int i = 1; i <= 3; i++) {
            session.send("q" + i);
        }
        assertThat(producer.events).isEmpty();
        session.send("q4"); // four waiting: the high mark
        assertThat(producer.events).containsExactly(false);
        session.send("q5");
        session.send("q6");
        assertThat(producer.events).containsExactly(false); // still behind: nothing more

        client.allowReads(1); // the write in flight done; the next write takes all six at once
        assertThat(producer.events).containsExactly(false, true);
        assertThat(session.isWritable()).isTrue();

        for (int i = 7; i <= 14; i++) {
            session.send("q" + i); // rises again past the high mark, and up to the limit
        }
        assertThat(producer.events).containsExactly(false, true, false);
        client.resumeReading();
        assertThat(producer.events).containsExactly(false, true, false, true);
    }

    @Test
    void aQueueDrainingBetweenTheMarksStaysBehindUntilItReachesTheLowOne() {
        // 100 KiB messages under an 800 KiB limit: high mark 4 of them, low mark 2, and each write
        // takes two (its byte budget), so the queue drains in steps of two.
        Producer bytes = new Producer();
        try (HubFixture big = HubFixture.of(HubOptions.builder().maxQueuedBytes(800 * 1024).build(), bytes)) {
            InMemoryClient client = big.client("reader");
            Session session = big.session("reader");
            client.pauseReading();
            String hundredKiB = "x".repeat(100 * 1024);
            for (int i = 0; i <= 6; i++) {
                session.send(hundredKiB); // one in flight, six waiting
            }
            assertThat(bytes.events).containsExactly(false);

            client.allowReads(1); // the next write takes two: four waiting, above the low mark
            assertThat(session.stats().queuedMessages()).isEqualTo(4);
            assertThat(bytes.events).containsExactly(false);
            assertThat(session.isWritable()).isFalse();

            client.allowReads(2); // two more taken: two waiting, the low mark
            assertThat(session.stats().queuedMessages()).isEqualTo(2);
            assertThat(bytes.events).containsExactly(false, true);
        }
    }

    @Test
    void aClosedSessionToldNothingMore() {
        InMemoryClient client = server.client("reader");
        Session session = server.session("reader");
        client.pauseReading();
        for (int i = 0; i <= 4; i++) {
            session.send("q" + i);
        }
        assertThat(producer.events).containsExactly(false);
        client.abort();
        assertThat(producer.events).containsExactly(false);
    }
}
