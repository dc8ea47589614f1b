package io.wshub.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.wshub.HistoryLimits;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Measures, in one process and one run against a real {@code redis-server} it starts, what
 * interest-based routing changes: how many room messages each node reads against the rooms it
 * hosts, and the cross-node fan-out throughput, for two and three nodes, each time with today's
 * routing ({@link RedisBroker#readingEveryRoom}: every node reads every room) and with routing by
 * interest, side by side, and what a message costs a node and Redis in CPU time.
 *
 * <p>The mix: {@code rooms} rooms with history on; room i's publisher is on node i mod N and its
 * {@code members} members on node i+1 mod N, so every message crosses Redis and each room is
 * hosted by two nodes. One more node hosts no room: with today's routing it reads every message
 * and delivers none, which gives the CPU time a node spends on a message it only reads (its
 * Lettuce threads' CPU time per read); the CPU time per delivery is what the members' nodes spend
 * beyond their reads, per delivery. Redis' CPU time per message is for everything one message
 * costs it (the append script and the copies to the nodes). Each publisher sends as fast as its room's slowest member reads, at most
 * {@code window} messages ahead. Not a test: run it by hand (docs/scaling.md has the command).
 *
 * <p>Arguments: {@code [rooms=60] [members=5] [seconds=8] [warmup=3] [window=16] [rounds=2]}. The four
 * layouts run round by round, interleaved, after one unreported run that warms the JIT up.
 */
final class RoomRouting {

    private RoomRouting() {
    }

    /** One run's numbers. */
    record Result(int nodes, boolean everyRoom, double messagesPerSecond, double deliveriesPerSecond,
                  double[] readsPerNodePerMessage, int[] roomsHosted, double idleReadsPerMessage,
                  double readMicros, double deliveryMicros, double redisMicrosPerMessage) {
    }

    public static void main(String[] args) throws Exception {
        int rooms = arg(args, 0, 60);
        int members = arg(args, 1, 5);
        int seconds = arg(args, 2, 8);
        int warmup = arg(args, 3, 3);
        int window = arg(args, 4, 16);
        int rounds = arg(args, 5, 2);
        System.out.printf(Locale.ROOT, "room fan-out across nodes: %d rooms, %d members each (on another node than"
                        + " the publisher), window %d, %d s after %d s warm-up, %d cores%n", rooms, members, window,
                seconds, warmup, Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            measure(redis, 2, false, rooms, members, seconds, warmup, window); // the JIT's warm-up
            for (int round = 0; round < rounds; round++) {
                for (int nodes : new int[] {2, 3}) {
                    for (boolean everyRoom : new boolean[] {true, false}) {
                        results.add(measure(redis, nodes, everyRoom, rooms, members, seconds, warmup, window));
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-6s %-12s %12s %14s %-14s %-16s %-11s %9s %12s %12s%n", "nodes", "routing",
                "messages/s", "deliveries/s", "rooms hosted", "reads/message", "idle node", "µs/read",
                "µs/delivery", "Redis µs/msg");
        for (Result r : results) {
            StringBuilder hosted = new StringBuilder();
            StringBuilder reads = new StringBuilder();
            for (int n = 0; n < r.nodes; n++) {
                hosted.append(n == 0 ? "" : " ").append(r.roomsHosted[n]);
                reads.append(n == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", r.readsPerNodePerMessage[n]));
            }
            System.out.printf(Locale.ROOT, "%-6d %-12s %,12.0f %,14.0f %-14s %-16s %-11.2f %9.2f %12.2f %12.1f%n",
                    r.nodes, r.everyRoom ? "every room" : "by interest", r.messagesPerSecond, r.deliveriesPerSecond,
                    hosted, reads, r.idleReadsPerMessage, r.readMicros, r.deliveryMicros, r.redisMicrosPerMessage);
        }
    }

    static Result measure(RedisServer redis, int nodes, boolean everyRoom, int rooms, int members, int seconds,
                          int warmup, int window) throws Exception {
        String prefix = "routing" + System.nanoTime() + ":";
        List<Hub> hubs = new ArrayList<>();
        List<RedisBroker> brokers = new ArrayList<>();
        List<InMemoryTransport> transports = new ArrayList<>();
        try {
            for (int n = 0; n <= nodes; n++) { // node N is the idle one
                RedisBrokerOptions options = RedisBrokerOptions.builder(redis.uri()).keyPrefix(prefix).nodeId("n" + n)
                        .build();
                RedisBroker broker = everyRoom ? RedisBroker.readingEveryRoom(options) : new RedisBroker(options);
                Hub hub = Hub.builder().options(HubOptions.builder().rateLimit(RateLimit.UNLIMITED)
                        .roomHistory(HistoryLimits.DEFAULT).build())
                        .handler(RoomProtocol.router().build()).broker(broker).build();
                await("node " + n + " up").atMost(Duration.ofSeconds(10)).until(() -> hub.stats().brokerUp());
                hubs.add(hub);
                brokers.add(broker);
                transports.add(new InMemoryTransport(hub.acceptor()));
            }
            InMemoryClient[] publishers = new InMemoryClient[rooms];
            InMemoryClient[][] readers = new InMemoryClient[rooms][members];
            int[] hosted = new int[nodes];
            for (int i = 0; i < rooms; i++) {
                String room = "room-" + i;
                int home = i % nodes;
                int away = (i + 1) % nodes;
                hosted[home]++;
                hosted[away]++;
                publishers[i] = joined(transports.get(home), room);
                for (int m = 0; m < members; m++) {
                    readers[i][m] = joined(transports.get(away), room);
                }
            }
            for (InMemoryClient p : publishers) {
                p.discardMessages();
            }
            long[][] base = new long[rooms][members];
            for (int i = 0; i < rooms; i++) {
                for (int m = 0; m < members; m++) {
                    readers[i][m].discardMessages();
                    base[i][m] = readers[i][m].messagesRead();
                }
            }
            String[] frames = new String[rooms];
            for (int i = 0; i < rooms; i++) {
                frames[i] = "{\"type\":\"room_message\",\"room\":\"room-" + i + "\",\"content\":\"" + "x".repeat(64) + "\"}";
            }
            long[] sent = new long[rooms];
            long[] floor = new long[rooms];
            long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            boolean measuring = false;
            long sentAtStart = 0;
            long deliveredAtStart = 0;
            long[] readsAtStart = new long[nodes + 1];
            long[] cpuAtStart = new long[nodes + 1];
            double redisCpuAtStart = 0;
            long startedAt = 0;
            while (System.nanoTime() < end) {
                if (!measuring && System.nanoTime() >= measureFrom) {
                    measuring = true;
                    sentAtStart = sum(sent);
                    deliveredAtStart = delivered(readers, base);
                    for (int n = 0; n <= nodes; n++) {
                        readsAtStart[n] = brokers.get(n).roomReads();
                        cpuAtStart[n] = lettuceCpuNanos("n" + n);
                    }
                    redisCpuAtStart = redisCpuSeconds(redis);
                    startedAt = System.nanoTime();
                }
                boolean any = false;
                for (int i = 0; i < rooms; i++) {
                    if (sent[i] - floor[i] >= window) {
                        floor[i] = slowest(readers[i], base[i]);
                    }
                    if (sent[i] - floor[i] < window) {
                        publishers[i].sendText(frames[i]);
                        sent[i]++;
                        any = true;
                    }
                }
                if (!any) {
                    Thread.onSpinWait(); // pacing on the slowest readers, not waiting for an outcome
                }
            }
            double elapsed = (System.nanoTime() - startedAt) / 1e9;
            double redisCpu = redisCpuSeconds(redis) - redisCpuAtStart;
            long messages = sum(sent) - sentAtStart;
            long deliveries = delivered(readers, base) - deliveredAtStart;
            double[] reads = new double[nodes];
            long hostReads = 0;
            long hostCpu = 0;
            for (int n = 0; n < nodes; n++) {
                long r = brokers.get(n).roomReads() - readsAtStart[n];
                reads[n] = r / (double) messages;
                hostReads += r;
                hostCpu += lettuceCpuNanos("n" + n) - cpuAtStart[n];
            }
            long idleReads = brokers.get(nodes).roomReads() - readsAtStart[nodes];
            long idleCpu = lettuceCpuNanos("n" + nodes) - cpuAtStart[nodes];
            // Only today's routing has the idle node read; by interest the read's cost is the members' nodes' alone.
            double readMicros = idleReads > 0 ? idleCpu / 1e3 / idleReads : Double.NaN;
            double deliveryMicros = idleReads > 0 ? (hostCpu / 1e3 - readMicros * hostReads) / deliveries : Double.NaN;
            return new Result(nodes, everyRoom, messages / elapsed, deliveries / elapsed, reads, hosted,
                    idleReads / (double) messages, readMicros, deliveryMicros, redisCpu * 1e6 / messages);
        } finally {
            for (Hub hub : hubs) {
                hub.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A client of the room protocol that joined the room. */
    private static InMemoryClient joined(InMemoryTransport transport, String room) {
        InMemoryClient c = transport.connect();
        c.nextText(Duration.ofSeconds(10)); // welcome
        c.sendText("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
        for (;;) {
            String m = c.nextText(Duration.ofSeconds(10));
            if (m.contains("\"room_joined\"")) {
                return c;
            }
        }
    }

    private static long slowest(InMemoryClient[] readers, long[] base) {
        long min = Long.MAX_VALUE;
        for (int m = 0; m < readers.length; m++) {
            min = Math.min(min, readers[m].messagesRead() - base[m]);
        }
        return min;
    }

    private static long delivered(InMemoryClient[][] readers, long[][] base) {
        long total = 0;
        for (int i = 0; i < readers.length; i++) {
            for (int m = 0; m < readers[i].length; m++) {
                total += readers[i][m].messagesRead() - base[i][m];
            }
        }
        return total;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /** The CPU time of a node's Lettuce threads (reading from Redis and delivering to the members here). */
    private static long lettuceCpuNanos(String node) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String name = "wshub-redis-" + node + "-";
        long total = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(name)) {
                total += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    /** Redis' CPU time so far (user and system), from {@code INFO cpu}. */
    private static double redisCpuSeconds(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            double total = 0;
            for (String line : c.sync().info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return total;
        } finally {
            client.shutdown();
        }
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
