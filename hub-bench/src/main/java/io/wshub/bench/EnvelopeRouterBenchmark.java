package io.wshub.bench;

import io.wshub.Hub;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.ConnectionListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * The room protocol's envelope router, driven through a session's inbound path as a transport
 * would (size and rate checks, JSON parse, dispatch by type, the reply or relay): a ping, a room
 * message relayed to the other members of a room of ten, and the two error paths. Sessions sit on
 * {@link SinkConnection}s, so only the hub's and the protocol's work is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeRouterBenchmark {

    /** A small chat room: the sender and nine others. */
    static final int ROOM_MEMBERS = 10;

    private static final String PING = "{\"type\":\"ping\"}";
    private static final String ROOM_MESSAGE =
            "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hello everyone\",\"data\":{\"n\":1}}";
    private static final String UNKNOWN_TYPE = "{\"type\":\"dance\"}";
    private static final String NOT_JSON = "hello?";

    private Hub hub;
    private ConnectionListener sender;
    private final List<SinkConnection> sinks = new ArrayList<>();

    @Setup(Level.Trial)
    public void open() {
        hub = BenchHubs.hub(RoomProtocol.router().build(), ROOM_MEMBERS);
        List<ConnectionListener> listeners = new ArrayList<>();
        for (int i = 0; i < ROOM_MEMBERS; i++) {
            SinkConnection sink = new SinkConnection();
            listeners.add(BenchHubs.open(hub, sink, i));
            sinks.add(sink);
        }
        hub.sessions().forEach(session -> hub.rooms().join(session, "lobby"));
        sender = listeners.get(0);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (sinks.get(1).frames() == 0) {
            throw new IllegalStateException("no room member received anything: the benchmark measured nothing");
        }
        BenchHubs.shutdown(hub);
    }

    @Benchmark
    public void ping() {
        sender.onText(PING);
    }

    @Benchmark
    public void roomMessageToTenMembers() {
        sender.onText(ROOM_MESSAGE);
    }

    @Benchmark
    public void unknownType() {
        sender.onText(UNKNOWN_TYPE);
    }

    @Benchmark
    public void notJson() {
        sender.onText(NOT_JSON);
    }
}
