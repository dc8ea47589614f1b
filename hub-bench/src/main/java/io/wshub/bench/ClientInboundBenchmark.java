package io.wshub.bench;

import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import io.wshub.testing.ManualScheduler;
import io.wshub.testing.ScriptedConnection;
import io.wshub.testing.ScriptedTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * One room message into a client, from the transport's callback to the application's handler:
 * a plain {@link ReconnectingClient} against a {@link RoomClient}, which reads every frame (its
 * seq for the dedupe, its sender for the client's own messages in a replay). Over the scripted
 * transport on one thread, so what is measured is the client's own work (and the script's queue,
 * the same in both).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientInboundBenchmark {

    private static final URI URL = URI.create("ws://bench.test/ws");

    /** A client open on a scripted connection, in room "bench" at seq 0. */
    @State(Scope.Benchmark)
    public static class Client {
        @Param({"plain", "room"})
        public String kind;

        ReconnectingClient client;
        ScriptedConnection server;
        long delivered;
        long seq;

        @Setup(Level.Trial)
        public void open() {
            ScriptedTransport transport = new ScriptedTransport(new ManualScheduler()).openAt(URL);
            ReconnectingClient.Builder builder = ReconnectingClient.builder(transport).url(URL)
                    .onMessage(frame -> delivered++);
            if (kind.equals("room")) {
                RoomClient rooms = RoomClient.connect(builder);
                rooms.join("bench");
                client = rooms.client();
            } else {
                client = builder.connect();
            }
            server = transport.connection();
            server.serverSends("{\"type\":\"welcome\",\"id\":\"me\",\"resume\":\"t\",\"inbox\":{\"seq\":0,\"epoch\":\"i\"}}");
            server.serverSends("{\"type\":\"room_joined\",\"room\":\"bench\",\"members\":[\"me\",\"bob\"],\"seq\":0,\"epoch\":\"e\"}");
        }

        @TearDown(Level.Trial)
        public void close() {
            if (delivered < seq) {
                throw new IllegalStateException("delivered " + delivered + " of " + seq + ": the benchmark measured something else");
            }
            client.close();
        }
    }

    @Benchmark
    public long roomMessage(Client c) {
        c.server.serverSends("{\"type\":\"room_message\",\"room\":\"bench\",\"content\":\"a message of some thirty bytes\","
                + "\"from\":\"bob\",\"seq\":" + ++c.seq + "}");
        return c.delivered;
    }
}
