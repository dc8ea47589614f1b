package io.wshub.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.HistoryLimits;
import io.wshub.Message;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.jetty.WshubHandler;
import io.wshub.protocol.Envelope;
import io.wshub.protocol.RawRelayHandler;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import static org.awaitility.Awaitility.await;

/**
 * Measures broadcast fan-out on one node against fan-out across two nodes through Redis, in one
 * run, against a real {@code redis-server} it starts itself:
 *
 * <ul>
 *   <li>one node: the publisher and N subscribers on node a;</li>
 *   <li>two nodes: the publisher on node a, the N subscribers on node b, every message crossing
 *       Redis.</li>
 * </ul>
 *
 * With {@code sockets}, each node is a Jetty server on a loopback port relaying binary frames on
 * {@code /broadcast} (the broadcast server's handler) and the clients are Jetty WebSocket clients
 * in this process; with {@code memory}, clients are in-memory (the hub and the broker without
 * socket I/O). The publisher sends as fast as the slowest subscriber keeps up, at most a window of
 * messages ahead. Not a test: run it by hand (docs/scaling.md has the command).
 *
 * <p>Modes {@code rooms} and {@code rooms-history} fan room messages of the room protocol out in
 * memory instead, to one room, with its history off and on.
 *
 * <p>Arguments: {@code [sockets|memory|rooms|rooms-history] [subscribers=200] [size=64] [seconds=10] [warmup=3] [window=64, at most 256]}.
 */
final class CrossNodeFanOut {

    private CrossNodeFanOut() {
    }

    /** One measured arrangement: a publisher, subscribers that count what they read. */
    private interface Setup extends AutoCloseable {
        void publish(byte[] payload) throws Exception;

        List<? extends Object> subscribers();

        ToLongFunction<Object> readCount();
    }

    private record Result(double messages, double deliveries) {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "sockets";
        boolean sockets = mode.equals("sockets");
        Rooms rooms = mode.equals("rooms") ? Rooms.HISTORY_OFF : mode.equals("rooms-history") ? Rooms.HISTORY_ON : Rooms.NONE;
        int subscribers = arg(args, 1, 200);
        int size = arg(args, 2, 64);
        int seconds = arg(args, 3, 10);
        int warmup = arg(args, 4, 3);
        int window = arg(args, 5, 64);
        int queue = HubOptions.defaults().maxQueuedMessages();
        if (window < 1 || window > queue) {
            throw new IllegalArgumentException("window must be 1.." + queue + " (a session's outbound queue: a larger"
                    + " window overflows it and the hub disconnects the subscriber), was " + window);
        }
        System.out.printf(Locale.ROOT, "%s fan-out over %s: %d subscribers, %d-byte messages, %d s after %d s"
                + " warm-up, window %d, %d cores%n", rooms.label, sockets ? "WebSockets on loopback" : "the in-memory transport",
                subscribers, size, seconds, warmup, window, Runtime.getRuntime().availableProcessors());
        try (RedisServer redis = RedisServer.start()) {
            Result one = measure(redis.uri(), sockets, rooms, false, subscribers, size, seconds, warmup, window);
            Result two = measure(redis.uri(), sockets, rooms, true, subscribers, size, seconds, warmup, window);
            System.out.printf(Locale.ROOT, "%-30s %14s %16s%n", "", "messages/s", "deliveries/s");
            System.out.printf(Locale.ROOT, "%-30s %,14.0f %,16.0f%n", "one node", one.messages, one.deliveries);
            System.out.printf(Locale.ROOT, "%-30s %,14.0f %,16.0f%n", "two nodes (a -> Redis -> b)", two.messages,
                    two.deliveries);
            System.out.printf(Locale.ROOT, "two nodes / one node: %.2f%n", two.deliveries / one.deliveries);
        }
    }

    private static Result measure(String uri, boolean sockets, Rooms rooms, boolean crossNode, int subscribers, int size,
                                  int seconds, int warmup, int window) throws Exception {
        String prefix = "fanout" + System.nanoTime() + ":";
        try (Setup setup = sockets ? new SocketSetup(uri, prefix, crossNode, subscribers)
                : new MemorySetup(uri, prefix, rooms, crossNode, subscribers)) {
            byte[] payload = new byte[size];
            long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            long sent = 0;
            long sentAtStart = -1;
            long deliveredAtStart = 0;
            long startedAt = 0;
            long floor = 0; // what every subscriber has read, as last looked at
            while (System.nanoTime() < end) {
                if (sentAtStart < 0 && System.nanoTime() >= measureFrom) {
                    sentAtStart = sent;
                    deliveredAtStart = delivered(setup);
                    startedAt = System.nanoTime();
                }
                if (sent - floor >= window) {
                    floor = slowest(setup);
                }
                if (sent - floor < window) {
                    setup.publish(payload);
                    sent++;
                } else {
                    Thread.onSpinWait(); // pacing on the slowest reader, not waiting for an outcome
                }
            }
            double elapsed = (System.nanoTime() - startedAt) / 1e9;
            return new Result((sent - sentAtStart) / elapsed, (delivered(setup) - deliveredAtStart) / elapsed);
        }
    }

    /**
     * What is fanned out in memory: hub-wide broadcasts, or room messages of the room protocol to one
     * room, with its history off (live only) or on (each message sequenced in Redis, in the room's
     * stream, delivered by every node from its subscription).
     */
    private enum Rooms {
        NONE("broadcast", HistoryLimits.OFF), HISTORY_OFF("room message, history off", HistoryLimits.OFF),
        HISTORY_ON("room message, history on", HistoryLimits.DEFAULT);

        final String label;
        final HistoryLimits history;

        Rooms(String label, HistoryLimits history) {
            this.label = label;
            this.history = history;
        }
    }

    /** A node: a hub with a Redis broker, the rate limit off (the publisher is a load test). */
    private static Hub node(String uri, String prefix, String id, io.wshub.HubHandler handler) {
        return node(uri, prefix, id, handler, HistoryLimits.OFF);
    }

    private static Hub node(String uri, String prefix, String id, io.wshub.HubHandler handler, HistoryLimits history) {
        Hub hub = Hub.builder().options(HubOptions.builder().rateLimit(RateLimit.UNLIMITED).roomHistory(history).build())
                .handler(handler)
                .broker(new RedisBroker(RedisBrokerOptions.builder(uri).keyPrefix(prefix).nodeId(id).build())).build();
        await("node " + id + " registered in Redis at " + uri).atMost(Duration.ofSeconds(10))
                .until(() -> hub.stats().brokerUp());
        return hub;
    }

    private static final class MemorySetup implements Setup {
        private final Hub a;
        private final Hub b;
        private final Rooms rooms;
        private final List<InMemoryClient> clients = new ArrayList<>();

        MemorySetup(String uri, String prefix, Rooms rooms, boolean crossNode, int subscribers) throws Exception {
            this.rooms = rooms;
            a = node(uri, prefix, "a", handler(rooms), rooms.history);
            b = crossNode ? node(uri, prefix, "b", handler(rooms), rooms.history) : null;
            InMemoryTransport transport = new InMemoryTransport((crossNode ? b : a).acceptor());
            for (int i = 0; i < subscribers; i++) {
                InMemoryClient c = transport.connect();
                if (rooms != Rooms.NONE) {
                    c.sendText("{\"type\":\"join_room\",\"room\":\"r\"}");
                    while (!c.nextText(Duration.ofSeconds(10)).contains("room_joined")) {
                        // the welcome and others' arrivals come first
                    }
                }
                c.discardMessages();
                clients.add(c);
            }
            await("members on node a's view").atMost(Duration.ofSeconds(10))
                    .until(() -> rooms == Rooms.NONE || a.rooms().members("r").size() == subscribers);
        }

        private static io.wshub.HubHandler handler(Rooms rooms) {
            return rooms == Rooms.NONE ? new io.wshub.HubHandler() {
            } : RoomProtocol.router(false).build();
        }

        @Override
        public void publish(byte[] payload) {
            if (rooms == Rooms.NONE) {
                a.broadcast(Message.binary(payload));
                return;
            }
            ObjectNode m = Envelope.message("room_message").put("room", "r").put("from", "publisher")
                    .put("content", new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1).replace('\0', 'x'));
            a.rooms().publish("r", Envelope.positioned(m), null);
        }

        @Override
        public List<InMemoryClient> subscribers() {
            return clients;
        }

        @Override
        public ToLongFunction<Object> readCount() {
            return c -> ((InMemoryClient) c).messagesRead();
        }

        @Override
        public void close() throws Exception {
            a.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
            if (b != null) {
                b.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static final class SocketSetup implements Setup {
        private final List<Server> servers = new ArrayList<>();
        private final WebSocketClient client = new WebSocketClient();
        private final List<Counter> counters = new ArrayList<>();
        private final Session publisher;

        SocketSetup(String uri, String prefix, boolean crossNode, int subscribers) throws Exception {
            URI a = serve(node(uri, prefix, "a", new RawRelayHandler()));
            URI b = crossNode ? serve(node(uri, prefix, "b", new RawRelayHandler())) : a;
            client.start();
            for (int i = 0; i < subscribers; i++) {
                Counter c = new Counter();
                client.connect(c, b).get(10, TimeUnit.SECONDS);
                counters.add(c);
            }
            publisher = client.connect(new Counter(), a).get(10, TimeUnit.SECONDS);
        }

        private URI serve(Hub hub) throws Exception {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            server.setHandler(WshubHandler.builder(server).mount("/broadcast", hub).build());
            server.start();
            servers.add(server);
            return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/broadcast");
        }

        @Override
        public void publish(byte[] payload) {
            publisher.sendBinary(ByteBuffer.wrap(payload), Callback.NOOP); // paced by the window: never runs away
        }

        @Override
        public List<Counter> subscribers() {
            return counters;
        }

        @Override
        public ToLongFunction<Object> readCount() {
            return c -> ((Counter) c).read;
        }

        @Override
        public void close() throws Exception {
            client.stop();
            for (Server s : servers) {
                s.stop();
            }
        }
    }

    /** Counts the messages one connection reads. Public: Jetty calls listeners through method handles. */
    public static final class Counter implements Session.Listener.AutoDemanding {
        /** Written by the connection's one reading thread at a time, read by the publisher. */
        volatile long read;

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            read++; // one writer: Jetty never calls one connection's listener concurrently
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // connections drop when a run ends; nothing to report
        }
    }

    private static long slowest(Setup setup) {
        long min = Long.MAX_VALUE;
        for (Object c : setup.subscribers()) {
            min = Math.min(min, setup.readCount().applyAsLong(c));
        }
        return min;
    }

    private static long delivered(Setup setup) {
        long sum = 0;
        for (Object c : setup.subscribers()) {
            sum += setup.readCount().applyAsLong(c);
        }
        return sum;
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
