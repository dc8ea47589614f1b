package io.wshub.internal;

import io.wshub.Message;
import io.wshub.OverflowPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The per-session outbound queue (package-private in hub-core, hence this package): one offer
 * and one drain, a burst of 64 offers drained as one batch (per frame), and offers to a full
 * queue under each overflow policy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OutboundQueueBenchmark {

    /** The writer's batch size, so that a burst drains in one write. */
    static final int BURST = SessionWriter.MAX_BATCH_FRAMES;
    /** The default queue limits (docs/configuration.md). */
    static final int MAX_MESSAGES = 256;
    static final long MAX_BYTES = 4L * 1024 * 1024;

    private final Message frame = Message.text("x".repeat(64));
    private final Message[] batch = new Message[SessionWriter.MAX_BATCH_FRAMES];
    private final OutboundQueue queue = new OutboundQueue(MAX_MESSAGES, MAX_BYTES, OverflowPolicy.DROP_NEWEST);
    private final OutboundQueue fullDropNewest = full(OverflowPolicy.DROP_NEWEST);
    private final OutboundQueue fullDropOldest = full(OverflowPolicy.DROP_OLDEST);

    private OutboundQueue full(OverflowPolicy policy) {
        OutboundQueue q = new OutboundQueue(MAX_MESSAGES, MAX_BYTES, policy);
        for (int i = 0; i < MAX_MESSAGES; i++) {
            q.offer(frame, 0);
        }
        return q;
    }

    @Benchmark
    public int offerOneDrainOne() {
        queue.offer(frame, 0);
        return queue.drainTo(batch, SessionWriter.MAX_BATCH_BYTES);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int offerBurstDrainAsOneBatch() {
        for (int i = 0; i < BURST; i++) {
            queue.offer(frame, 0);
        }
        return queue.drainTo(batch, SessionWriter.MAX_BATCH_BYTES);
    }

    @Benchmark
    public OutboundQueue.Outcome offerToFullQueueDropNewest() {
        return fullDropNewest.offer(frame, 0);
    }

    @Benchmark
    public OutboundQueue.Outcome offerToFullQueueDropOldest() {
        return fullDropOldest.offer(frame, 0);
    }
}
