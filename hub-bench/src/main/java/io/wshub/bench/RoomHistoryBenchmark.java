package io.wshub.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.HistoryLimits;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.protocol.Envelope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A room message to a room of 1 000 members on sinks, as the room protocol publishes it
 * ({@code Envelope.positioned}, {@code Rooms.publish}), with the room's history off and on: the
 * difference is the cost of a position and a history slot. {@code perRecipient} divides by the
 * members (as {@link BroadcastBenchmark} does), {@code perMessage} is the whole fan-out of one
 * message; run with {@code -prof gc} for the bytes each allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoomHistoryBenchmark {

    static final int MEMBERS = 1_000;

    /** A hub writing on the caller's thread, its sessions on sinks, all in one room. */
    @State(Scope.Benchmark)
    public static class Room {
        @Param({"off", "on"})
        public String history;

        Hub hub;
        final List<SinkConnection> sinks = new ArrayList<>();
        /** A room message as the protocol has it once parsed and given its {@code from}. */
        final ObjectNode message = Envelope.message("room_message").put("room", "bench")
                .put("content", "x".repeat(32)).put("from", "publisher");

        @Setup(Level.Trial)
        public void open() {
            hub = Hub.builder()
                    .options(HubOptions.builder().maxConnections(MEMBERS).rateLimit(RateLimit.UNLIMITED)
                            .roomHistory(history.equals("on") ? HistoryLimits.DEFAULT : HistoryLimits.OFF).build())
                    .handler(new HubHandler() {
                    })
                    .flushExecutor(Runnable::run)
                    .build();
            for (int i = 0; i < MEMBERS; i++) {
                SinkConnection sink = new SinkConnection();
                BenchHubs.open(hub, sink, i);
                sinks.add(sink);
            }
            for (Session s : hub.sessions()) {
                hub.rooms().join(s, "bench");
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

    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public long perRecipient(Room room) {
        return room.hub.rooms().publish("bench", Envelope.positioned(room.message), null);
    }

    @Benchmark
    public long perMessage(Room room) {
        return room.hub.rooms().publish("bench", Envelope.positioned(room.message), null);
    }
}
