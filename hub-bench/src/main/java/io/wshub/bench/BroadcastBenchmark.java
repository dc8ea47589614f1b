package io.wshub.bench;

import io.wshub.Message;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A broadcast of one 64-byte text frame to 1 000 sessions, reported per recipient (run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is then bytes allocated per recipient).
 *
 * <ul>
 *   <li>{@code sinkTransport}: sessions on a transport that allocates nothing, so the figures are
 *       the hub's own (queue offer, writer, batch hand-over);</li>
 *   <li>{@code sinkTransportDefaultFlush}: the same with the hub's default flush executor (its
 *       flush threads), as a server runs it: the hand-over to those threads and the wait for the
 *       last write are included;</li>
 *   <li>{@code inMemoryTransport}: sessions on hub-core's in-memory test transport, its clients
 *       counting and discarding what they read; the difference is that transport's cost.</li>
 * </ul>
 * Except with the default flush executor, the hub writes on the caller's thread, so one invocation is the whole
 * fan-out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BroadcastBenchmark {

    /** The fan-out of the performance targets (docs/performance.md, "Against the first performance targets"). */
    static final int RECIPIENTS = 1_000;

    private static final Message FRAME = Message.text("x".repeat(64));
    private static final HubHandler QUIET = new HubHandler() {
    };

    /** A hub whose sessions sit on {@link SinkConnection}s. */
    @State(Scope.Benchmark)
    public static class SinkHub {
        Hub hub;
        final List<SinkConnection> sinks = new ArrayList<>();

        @Setup(Level.Trial)
        public void open() {
            hub = BenchHubs.hub(QUIET, RECIPIENTS);
            for (int i = 0; i < RECIPIENTS; i++) {
                SinkConnection sink = new SinkConnection();
                BenchHubs.open(hub, sink, i);
                sinks.add(sink);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (sinks.stream().mapToLong(SinkConnection::frames).sum() == 0) {
                throw new IllegalStateException("no frame reached a sink: the benchmark measured nothing");
            }
            BenchHubs.shutdown(hub);
        }
    }

    /** A hub with its default flush executor whose sessions share one count of frames written. */
    @State(Scope.Benchmark)
    public static class DefaultFlushSinkHub {
        Hub hub;
        final LongAdder written = new LongAdder();
        long expected;

        @Setup(Level.Trial)
        public void open() {
            hub = BenchHubs.defaultFlushHub(QUIET, RECIPIENTS);
            for (int i = 0; i < RECIPIENTS; i++) {
                BenchHubs.open(hub, new SinkConnection(written), i);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            BenchHubs.shutdown(hub);
        }
    }

    /** A hub whose sessions are clients of the in-memory test transport. */
    @State(Scope.Benchmark)
    public static class MemoryHub {
        Hub hub;
        final List<InMemoryClient> clients = new ArrayList<>();

        @Setup(Level.Trial)
        public void open() {
            hub = BenchHubs.hub(QUIET, RECIPIENTS);
            InMemoryTransport transport = new InMemoryTransport(hub.acceptor());
            for (int i = 0; i < RECIPIENTS; i++) {
                InMemoryClient client = transport.connect();
                client.discardMessages();
                clients.add(client);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (clients.stream().mapToLong(InMemoryClient::messagesRead).sum() == 0) {
                throw new IllegalStateException("no client read a frame: the benchmark measured nothing");
            }
            BenchHubs.shutdown(hub);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECIPIENTS)
    public int sinkTransport(SinkHub state) {
        return state.hub.broadcast(FRAME);
    }

    @Benchmark
    @OperationsPerInvocation(RECIPIENTS)
    public long sinkTransportDefaultFlush(DefaultFlushSinkHub state) {
        state.expected += state.hub.broadcast(FRAME);
        long written;
        while ((written = state.written.sum()) < state.expected) {
            Thread.onSpinWait(); // the hub's flush threads finish the fan-out
        }
        return written;
    }

    @Benchmark
    @OperationsPerInvocation(RECIPIENTS)
    public int inMemoryTransport(MemoryHub state) {
        return state.hub.broadcast(FRAME);
    }
}
