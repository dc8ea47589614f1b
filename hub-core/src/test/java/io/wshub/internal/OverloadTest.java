package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.HubStats;
import io.wshub.Message;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broadcast storm on a node that cannot write as fast as it is asked, to healthy subscribers and
 * stalled ones mixed (docs/overload.md): memory stays within the budget, the healthy lose nothing,
 * the stalled are handled by their policy, and the publisher is read more slowly instead.
 *
 * <p>The node's capacity is the test's: the hub's flush executor is a queue the test runs a few
 * tasks of per message published, so the healthy subscribers' queues grow as they would behind busy
 * flush threads. Everything runs on the test's thread, in the same order every time.
 */
class OverloadTest {

    private static final int HEALTHY = 800;
    private static final int STALLED = 200;
    private static final int MESSAGES = 300;
    private static final int MESSAGE_BYTES = 200;
    private static final int QUEUE = 64;
    /** Far below what the stalled queues alone would hold at their limit (200 × 64 × 200 B = 2.5 MiB). */
    private static final long BUDGET = 2 * 1024 * 1024;
    /** Flushes the node does while one message is published: one writer in forty per message. */
    private static final int FLUSHES_PER_MESSAGE = 20;
    /** What one message fanned out adds at most before the publisher's next read is held. */
    private static final long ONE_FAN_OUT = (long) (HEALTHY + STALLED) * MESSAGE_BYTES;

    /** Relays every text message to every other session. */
    private static final HubHandler RELAY = new HubHandler() {
        @Override
        public void onText(Session session, String text) {
            session.hub().broadcast(Message.text(text), session);
        }
    };

    /** The hub's flush executor: tasks wait here until the test runs them. */
    private final ArrayDeque<Runnable> lane = new ArrayDeque<>();
    private HubFixture server;
    private long peakQueuedBytes;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theBudgetHoldsThePublisherTheHealthyLoseNothingAndTheStalledAreDisconnected() {
        server = node(OverflowPolicy.DISCONNECT, BUDGET, lane::add);
        Storm storm = storm();
        storm.publish(FLUSHES_PER_MESSAGE);

        storm.healthy.forEach(c -> assertThat(c.messagesRead()).isEqualTo(MESSAGES));
        storm.stalled.forEach(c -> assertThat(c.isClosed()).isTrue());
        HubStats stats = server.hub().stats();
        assertThat(stats.slowConsumerDisconnects()).isEqualTo(STALLED);
        assertThat(peakQueuedBytes).isLessThanOrEqualTo(BUDGET + ONE_FAN_OUT);
        assertThat(stats.overloads()).isPositive();
        assertThat(stats.maxTotalQueuedBytes()).isEqualTo(BUDGET);
    }

    @Test
    void stalledSubscribersWhoseRoomDropsTheOldestAreCutBackAndKeepTheNewest() {
        server = node(OverflowPolicy.DROP_OLDEST, BUDGET, lane::add);
        Storm storm = storm();
        storm.publish(FLUSHES_PER_MESSAGE);

        storm.healthy.forEach(c -> assertThat(c.messagesRead()).isEqualTo(MESSAGES));
        assertThat(peakQueuedBytes).isLessThanOrEqualTo(BUDGET + ONE_FAN_OUT);
        for (InMemoryClient c : storm.stalled) {
            assertThat(c.isClosed()).isFalse();
            assertThat(server.session(c.sessionId()).stats().messagesDropped()).isPositive();
            c.resumeReading();
            storm.runLane(Integer.MAX_VALUE);
            List<InMemoryClient.Received> got = c.drain();
            assertThat(got.get(got.size() - 1).text()).startsWith(number(MESSAGES - 1)); // the newest is there
        }
    }

    @Test
    void queuesAQuarterFullOnAverageMakeTheNodeTheBottleneckAndOnlyTheStalledAreHandled() {
        server = node(OverflowPolicy.DISCONNECT, Long.MAX_VALUE, lane::add); // no budget: the count alone
        Storm storm = storm();
        storm.publish(FLUSHES_PER_MESSAGE / 2); // slow enough that the queues' average passes a quarter

        storm.healthy.forEach(c -> assertThat(c.messagesRead()).isEqualTo(MESSAGES));
        storm.stalled.forEach(c -> assertThat(c.isClosed()).isTrue());
        assertThat(server.hub().stats().overloads()).isPositive();
        assertThat(server.hub().stats().slowConsumerDisconnects()).isEqualTo(STALLED);
    }

    @Test
    void aFewStalledSubscribersOnANodeThatKeepsUpNeverSlowThePublisher() {
        server = node(OverflowPolicy.DISCONNECT, BUDGET, Runnable::run); // flushes at once: the node keeps up
        List<InMemoryClient> stalled = new ArrayList<>();
        InMemoryClient publisher = server.client("publisher");
        List<InMemoryClient> healthy = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            healthy.add(reading(server.client("h" + i)));
        }
        for (int i = 0; i < QueueBudget.NODE_BEHIND_MIN * 2; i++) {
            InMemoryClient c = server.client("s" + i);
            c.pauseReading();
            stalled.add(c);
        }
        for (int i = 0; i < MESSAGES; i++) {
            publisher.sendText(payload(i));
        }

        healthy.forEach(c -> assertThat(c.messagesRead()).isEqualTo(MESSAGES));
        stalled.forEach(c -> assertThat(c.awaitClose(HubFixture.WAIT)).isEqualTo(CloseStatus.ABNORMAL));
        assertThat(server.hub().stats().overloads()).isZero();
    }

    @Test
    void subscribersWhoseWritersWaitForAFlushThreadAreNotDisconnectedTheNodeIsBehind() {
        server = node(OverflowPolicy.DISCONNECT, Long.MAX_VALUE, lane::add); // no budget, and the lane waits
        InMemoryClient publisher = server.client("publisher");
        List<InMemoryClient> subscribers = new ArrayList<>();
        for (int i = 0; i < DefaultHub.DISPATCH_THRESHOLD + 2; i++) { // enough to dispatch, too few for the average
            subscribers.add(reading(server.client("h" + i)));
        }
        int sent = QUEUE + 10;
        for (int i = 0; i < sent; i++) {
            publisher.sendText(payload(i));
        }

        // Past their limits while no write of theirs has started: the node is to blame, not them.
        subscribers.forEach(c -> assertThat(c.isClosed()).isFalse());
        assertThat(server.hub().stats().slowConsumerDisconnects()).isZero();
        assertThat(server.hub().stats().overloaded()).isTrue();
        assertThat(server.hub().stats().queuedBytes()).isLessThanOrEqualTo(2L * QUEUE * MESSAGE_BYTES * subscribers.size());

        new Storm(publisher).runLane(Integer.MAX_VALUE);
        subscribers.forEach(c -> assertThat(c.messagesRead()).isEqualTo(sent));
        assertThat(server.hub().stats().overloaded()).isFalse();
    }

    @Test
    void aPublisherHeldByTheOverloadIsNotClosedForTheSilenceTheHubCaused() {
        server = node(OverflowPolicy.DISCONNECT, BUDGET, lane::add);
        Storm storm = storm();
        storm.publisher.autoPong(false);
        for (int i = 0; i < MESSAGES && !server.hub().stats().overloaded(); i++) {
            storm.publisher.sendText(payload(i)); // the lane does nothing: the queues fill to the budget
        }
        assertThat(server.hub().stats().overloaded()).isTrue();

        server.advance(server.hub().options().pongTimeout().plus(Duration.ofSeconds(5)));
        assertThat(server.session("publisher").isOpen()).isTrue();
    }

    // ---- the storm ----

    private HubFixture node(OverflowPolicy policy, long budget, Executor flushes) {
        return HubFixture.with(b -> b.handler(RELAY).flushExecutor(flushes).options(HubOptions.builder()
                .maxQueuedMessages(QUEUE)
                .overflowPolicy(policy)
                .maxTotalQueuedBytes(budget)
                .rateLimit(RateLimit.UNLIMITED)
                .writeTimeout(Duration.ofMinutes(10)) // the test's clock stands still; no write times out
                .build()));
    }

    private Storm storm() {
        Storm s = new Storm(server.client("publisher"));
        for (int i = 0; i < HEALTHY; i++) {
            s.healthy.add(reading(server.client("h" + i)));
        }
        for (int i = 0; i < STALLED; i++) {
            InMemoryClient c = server.client("s" + i);
            c.pauseReading();
            s.stalled.add(c);
        }
        return s;
    }

    private static InMemoryClient reading(InMemoryClient c) {
        c.discardMessages(); // counts what it reads, as fast as it is given it
        return c;
    }

    private final class Storm {
        final InMemoryClient publisher;
        final List<InMemoryClient> healthy = new ArrayList<>();
        final List<InMemoryClient> stalled = new ArrayList<>();

        Storm(InMemoryClient publisher) {
            this.publisher = publisher;
        }

        /**
         * Sends one message per 10 ms of the hub's clock (they wait in the publisher's socket while
         * the hub does not read them) and runs the node's flushes meanwhile; then lets the node finish.
         */
        void publish(int flushesPerMessage) {
            for (int i = 0; i < MESSAGES; i++) {
                publisher.sendText(payload(i));
                notePeak();
                runLane(flushesPerMessage);
                server.advance(Duration.ofMillis(10));
            }
            runLane(Integer.MAX_VALUE);
        }

        void runLane(int tasks) {
            for (int i = 0; i < tasks && !lane.isEmpty(); i++) {
                lane.poll().run();
                notePeak();
            }
        }
    }

    private void notePeak() {
        peakQueuedBytes = Math.max(peakQueuedBytes, server.hub().stats().queuedBytes());
    }

    private static String payload(int n) {
        String head = number(n) + " ";
        return head + "x".repeat(MESSAGE_BYTES - head.length());
    }

    private static String number(int n) {
        return String.format("%06d", n);
    }
}
