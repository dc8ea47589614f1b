package io.wshub.bench;

import io.wshub.Frame;
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

/**
 * A broadcast of one 64-byte text frame to 1 000 sessions, reported per recipient (run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is then bytes allocated per recipient).
 *
 * <ul>
 *   <li>{@code sinkTransport}: sessions on a transport that allocates nothing, so the figures are
 *       the hub's own (queue offer, writer, batch hand-over);</li>
 *   <li>{@code inMemoryTransport}: sessions on hub-core's in-memory test transport, whose client
 *       end copies each write and keeps each message until drained; the difference is its cost.</li>
 * </ul>
 * The hub writes on the caller's thread, so one invocation is the whole fan-out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BroadcastBenchmark {

    /** The fan-out of the targets. */
    static final int RECIPIENTS = 1_000;

    private static final Frame FRAME = Frame.text("x".repeat(64));
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
            if (sinks.stream().mapToLong(s -> s.frames).sum() == 0) {
                throw new IllegalStateException("no frame reached a sink: the benchmark measured nothing");
            }
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
                clients.add(transport.connect());
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
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
    public int inMemoryTransport(MemoryHub state) {
        int queued = state.hub.broadcast(FRAME);
        for (InMemoryClient client : state.clients) {
            if (client.drain().isEmpty()) {
                throw new IllegalStateException("a client received nothing: the benchmark measured nothing");
            }
        }
        return queued;
    }
}
