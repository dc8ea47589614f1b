package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.OverflowPolicy;
import io.wshub.SendResult;
import io.wshub.spi.Connection;
import io.wshub.spi.SendCallback;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The one writer of a session, alone, against a scripted connection. */
class SessionWriterTest {

    /** A connection that keeps each write in flight until the test completes it. */
    private static class ScriptedConnection implements Connection {
        final List<List<String>> writes = new CopyOnWriteArrayList<>();
        final List<SendCallback> pending = new CopyOnWriteArrayList<>();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        Consumer<SendCallback> onSend = pending::add;

        @Override
        public void send(Message[] frames, int count, SendCallback callback) {
            maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                texts.add(frames[i].text());
            }
            writes.add(texts);
            onSend.accept(new SendCallback() {
                @Override
                public void succeeded() {
                    outstanding.decrementAndGet();
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable cause) {
                    outstanding.decrementAndGet();
                    callback.failed(cause);
                }
            });
        }

        void completeNext() {
            pending.remove(0).succeeded();
        }

        @Override
        public void ping(ByteBuffer payload) {
        }

        @Override
        public void close(CloseStatus status) {
        }

        @Override
        public void abort() {
        }

        @Override
        public void demand() {
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }
    }

    private static final class RecordingEvents implements SessionWriter.Events {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void written(int textMessages, int binaryMessages, long bytes) {
            events.add("written " + (textMessages + binaryMessages));
        }

        @Override
        public void droppedOldest(int messages, long bytes) {
            events.add("droppedOldest " + messages);
        }

        @Override
        public void refusedNewest(long bytes) {
            events.add("refusedNewest");
        }

        @Override
        public void overflowed() {
            events.add("overflowed");
        }

        @Override
        public void writeFailed(Throwable cause) {
            events.add("writeFailed " + cause.getMessage());
        }

        @Override
        public void drainedForClose(CloseStatus status) {
            events.add("close " + status.code());
        }

        @Override
        public void conflated() {
            events.add("conflated");
        }

        @Override
        public void writabilityChanged(boolean writable) {
            events.add(writable ? "writable" : "behind");
        }
    }

    private final ScriptedConnection connection = new ScriptedConnection();
    private final RecordingEvents events = new RecordingEvents();
    private final LongAdder hubQueuedBytes = new LongAdder();
    private final QueueBudget budget = new QueueBudget(Long.MAX_VALUE, 100, Long.MAX_VALUE, hubQueuedBytes, () -> 1,
            () -> 42L, Duration.ofSeconds(1));

    private SessionWriter writer(int maxMessages) {
        return new SessionWriter(new OutboundQueue(maxMessages, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST),
                connection, Runnable::run, events, () -> 42L, budget);
    }

    @Test
    void onlyOneWriteIsEverInFlightAndTheNextCarriesEverythingQueued() {
        SessionWriter w = writer(100);
        w.offer(Message.text("a"), null, false, 0);
        w.offer(Message.text("b"), null, false, 0);
        w.offer(Message.text("c"), null, false, 0);
        assertThat(connection.writes).containsExactly(List.of("a"));
        assertThat(w.writeStartedNanos()).isNotZero();

        connection.completeNext();
        assertThat(connection.writes).containsExactly(List.of("a"), List.of("b", "c"));
        connection.completeNext();
        assertThat(w.writeStartedNanos()).isZero();
        assertThat(connection.maxOutstanding.get()).isEqualTo(1);
        assertThat(events.events).containsExactly("written 1", "written 2");
        assertThat(w.messagesOut()).isEqualTo(3);
        assertThat(hubQueuedBytes.sum()).isZero();
    }

    @Test
    void aBatchHoldsAtMostItsFrameLimit() {
        SessionWriter w = writer(1000);
        w.offer(Message.text("first"), null, false, 0);
        for (int i = 0; i < SessionWriter.MAX_BATCH_FRAMES + 10; i++) {
            w.offer(Message.text("q" + i), null, false, 0);
        }
        connection.completeNext();
        connection.completeNext();
        assertThat(connection.writes.get(1)).hasSize(SessionWriter.MAX_BATCH_FRAMES);
        assertThat(connection.writes.get(2)).hasSize(10);
    }

    @Test
    void writesCompletedInsideSendLoopInsteadOfRecursing() {
        SessionWriter w = writer(100);
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        AtomicInteger remaining = new AtomicInteger(20_000);
        connection.onSend = callback -> {
            maxDepth.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
            depth.incrementAndGet();
            // A producer racing the writer: every write sees a new frame arrive, then completes at once.
            if (remaining.decrementAndGet() > 0) {
                w.offer(Message.text("more"), null, false, 0);
            }
            callback.succeeded();
        };
        w.offer(Message.text("start"), null, false, 0);

        assertThat(depth.get()).isEqualTo(20_000);
        assertThat(maxDepth.get()).isLessThan(200); // a recursive writer would be ~20 000 frames deep
        assertThat(w.writeStartedNanos()).isZero();
    }

    @Test
    void aFailedWriteStopsTheWriterForGood() {
        SessionWriter w = writer(100);
        w.offer(Message.text("a"), null, false, 0);
        w.offer(Message.text("b"), null, false, 0);
        connection.pending.remove(0).failed(new IOException("reset"));

        assertThat(events.events).containsExactly("writeFailed reset");
        assertThat(w.offer(Message.text("c"), null, false, 0)).isEqualTo(SendResult.CLOSED);
        assertThat(w.queuedMessages()).isZero();
        assertThat(hubQueuedBytes.sum()).isZero();
        assertThat(connection.writes).hasSize(1);
    }

    @Test
    void theCloseFrameFollowsWhatWasQueued() {
        SessionWriter w = writer(100);
        w.offer(Message.text("a"), null, false, 0);
        w.offer(Message.text("b"), null, false, 0);
        assertThat(w.closeAfterDrain(CloseStatus.NORMAL)).isTrue();
        assertThat(w.offer(Message.text("late"), null, false, 0)).isEqualTo(SendResult.CLOSED);
        assertThat(events.events).isEmpty();

        connection.completeNext();
        connection.completeNext();
        assertThat(events.events).containsExactly("written 1", "written 1", "close 1000");
        assertThat(w.closeAfterDrain(CloseStatus.NORMAL)).isFalse();
    }

    @Test
    void anIdleWriterClosesAtOnce() {
        SessionWriter w = writer(100);
        w.closeAfterDrain(CloseStatus.SERVER_SHUTDOWN);
        assertThat(events.events).containsExactly("close 1001");
    }

    @Test
    void aWriterFallingBehindAsAnOverloadOfTheNodeEndsIsNotShed() {
        budget.pastLimit(true); // a writer waiting for its turn went past its limits
        budget.tick();
        assertThat(budget.isOverloaded()).isTrue();
        budget.pastLimit(false); // it had its turn; on its thread, the drain that ends the overload is next

        List<Runnable> tasks = new ArrayList<>(); // another writer, on another thread, meanwhile:
        SessionWriter w = new SessionWriter(new OutboundQueue(4, Long.MAX_VALUE, OverflowPolicy.DISCONNECT),
                connection, tasks::add, events, () -> 42L, budget);
        w.offer(Message.text("a"), null, true, 0);
        w.offer(Message.text("b"), null, true, 0); // at its high mark: behind, while the overload lasts

        assertThat(events.events).containsExactly("behind"); // not cut back, let alone disconnected
        assertThat(w.queuedMessages()).isEqualTo(2);
        assertThat(budget.isOverloaded()).isFalse();
        tasks.forEach(Runnable::run);
        assertThat(connection.writes).containsExactly(List.of("a", "b"));
    }

    @Test
    void aDispatchedOfferWritesOnTheFlushExecutor() {
        List<Runnable> tasks = new ArrayList<>();
        SessionWriter w = new SessionWriter(new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST),
                connection, tasks::add, events, () -> 1L, budget);
        w.offer(Message.text("a"), null, true, 0);
        w.offer(Message.text("b"), null, true, 0);
        assertThat(connection.writes).isEmpty();
        assertThat(tasks).hasSize(1); // scheduled once, however many frames arrive
        tasks.get(0).run();
        assertThat(connection.writes).containsExactly(List.of("a", "b"));
    }

    @Test
    void terminateDiscardsTheQueueAndItsBytes() {
        SessionWriter w = writer(100);
        w.offer(Message.text("in flight"), null, false, 0);
        w.offer(Message.text("12345"), null, false, 0);
        assertThat(hubQueuedBytes.sum()).isEqualTo(5);
        assertThat(w.terminate()).isEqualTo(5);
        assertThat(hubQueuedBytes.sum()).isZero();
        assertThat(w.offer(Message.text("x"), null, false, 0)).isEqualTo(SendResult.CLOSED);
    }

    /** A transport that reads every frame of the batch it was given, whatever it does meanwhile. */
    private static final class FailingMidBatch extends ScriptedConnection {
        final List<Message> read = new CopyOnWriteArrayList<>();
        final int failAt;

        FailingMidBatch(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void send(Message[] frames, int count, SendCallback callback) {
            for (int i = 0; i < count; i++) {
                if (i == failAt) {
                    callback.failed(new IOException("connection reset"));
                }
                read.add(frames[i]); // a null here is the bug: the writer took the batch back too early
            }
        }
    }

    @Test
    void aBatchThatFailsInTheMiddleStaysTheTransportsUntilSendReturns() {
        FailingMidBatch failing = new FailingMidBatch(1);
        List<Runnable> parked = new ArrayList<>();
        SessionWriter w = new SessionWriter(new OutboundQueue(100, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST),
                failing, parked::add, events, () -> 42L, budget);
        for (String text : List.of("b", "c", "d")) {
            w.offer(Message.text(text), null, true, 0); // the first hands the writer to the executor; the others wait
        }
        parked.forEach(Runnable::run); // one batch of three, failed by the transport at its second frame

        assertThat(failing.read).doesNotContainNull().extracting(Message::text).containsExactly("b", "c", "d");
        assertThat(events.events).containsExactly("writeFailed connection reset");
        assertThat(w.offer(Message.text("e"), null, false, 0)).isEqualTo(SendResult.CLOSED);
        assertThat(hubQueuedBytes.sum()).isZero();
    }

    @Test
    void aTransportThatThrowsFromSendEndsTheWriterNotTheCaller() {
        connection.onSend = callback -> {
            throw new IllegalStateException("transport bug");
        };
        SessionWriter w = writer(100);
        assertThat(w.offer(Message.text("a"), null, false, 0)).isEqualTo(SendResult.QUEUED);
        assertThat(events.events).containsExactly("writeFailed transport bug");
        assertThat(w.offer(Message.text("b"), null, false, 0)).isEqualTo(SendResult.CLOSED);
    }

    @Test
    void aSecondCompletionOfTheSameWriteIsIgnored() {
        SessionWriter w = writer(100);
        w.offer(Message.text("a"), null, false, 0);
        SendCallback first = connection.pending.remove(0);
        first.succeeded();
        first.succeeded();
        assertThat(events.events).containsExactly("written 1");
        assertThat(w.messagesOut()).isEqualTo(1);
    }

    @Test
    void whatEscapesAFlushOnTheExecutorEndsTheSessionAndSparesTheExecutor() {
        List<Runnable> parked = new ArrayList<>();
        SessionWriter w = new SessionWriter(new OutboundQueue(100, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST),
                new ScriptedConnection() {
                    @Override
                    public void send(Message[] frames, int count, SendCallback callback) {
                        throw new StackOverflowError("nested too deep");
                    }
                }, parked::add, events, () -> 42L, budget);
        w.offer(Message.text("a"), null, true, 0);
        parked.forEach(Runnable::run); // returns normally: nothing reaches the executor's thread
        assertThat(events.events).containsExactly("writeFailed nested too deep");
        assertThat(w.offer(Message.text("b"), null, true, 0)).isEqualTo(SendResult.CLOSED);
    }
}
