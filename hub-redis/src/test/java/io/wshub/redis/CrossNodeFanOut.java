package io.wshub.redis;

import io.wshub.Frame;
import io.wshub.Hub;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures broadcast fan-out on one node against fan-out across two nodes through Redis, in one
 * run, over the in-memory transport (so it measures the hub and the broker, not sockets):
 *
 * <ul>
 *   <li>one node: the publisher and N subscribers on node a;</li>
 *   <li>two nodes: the publisher on node a, the N subscribers on node b, every message crossing
 *       Redis.</li>
 * </ul>
 *
 * The publisher broadcasts as fast as the slowest subscriber keeps up, at most a window of
 * messages ahead. Not a test: run it by hand (docs/scaling.md has the command).
 *
 * <p>Arguments: {@code [subscribers=200] [size=64] [seconds=10] [warmup=2] [window=64, at most 256]}.
 */
final class CrossNodeFanOut {

    private CrossNodeFanOut() {
    }

    public static void main(String[] args) throws Exception {
        int subscribers = arg(args, 0, 200);
        int size = arg(args, 1, 64);
        int seconds = arg(args, 2, 10);
        int warmup = arg(args, 3, 2);
        int window = arg(args, 4, 64);
        int queue = io.wshub.HubOptions.defaults().maxQueuedMessages();
        if (window < 1 || window > queue) {
            throw new IllegalArgumentException("window must be 1.." + queue + " (a session's outbound queue: a larger"
                    + " window overflows it and the hub disconnects the subscriber), was " + window);
        }
        System.out.printf(Locale.ROOT, "broadcast fan-out: %d subscribers, %d-byte messages, %d s after %d s warm-up,"
                + " window %d, %d cores%n", subscribers, size, seconds, warmup, window,
                Runtime.getRuntime().availableProcessors());
        try (RedisServer redis = RedisServer.start()) {
            Result one = run(redis.uri(), false, subscribers, size, seconds, warmup, window);
            Result two = run(redis.uri(), true, subscribers, size, seconds, warmup, window);
            System.out.printf(Locale.ROOT, "%-34s %14s %16s%n", "", "messages/s", "deliveries/s");
            System.out.printf(Locale.ROOT, "%-34s %,14.0f %,16.0f%n", "one node (no Redis hop)", one.messages, one.deliveries);
            System.out.printf(Locale.ROOT, "%-34s %,14.0f %,16.0f%n", "two nodes (a -> Redis -> b)", two.messages, two.deliveries);
            System.out.printf(Locale.ROOT, "two nodes / one node: %.2f%n", two.deliveries / one.deliveries);
        }
    }

    private record Result(double messages, double deliveries) {
    }

    private static Result run(String uri, boolean crossNode, int subscribers, int size, int seconds, int warmup,
                              int window) throws Exception {
        String prefix = "fanout" + System.nanoTime() + ":";
        Hub a = node(uri, prefix, "a");
        Hub b = crossNode ? node(uri, prefix, "b") : null;
        try {
            InMemoryTransport transport = new InMemoryTransport((crossNode ? b : a).acceptor());
            List<InMemoryClient> clients = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                InMemoryClient c = transport.connect();
                c.discardMessages();
                clients.add(c);
            }
            byte[] payload = new byte[size];
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + seconds);
            long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
            long sent = 0;
            long sentAtStart = -1;
            long deliveredAtStart = 0;
            long startedAt = 0;
            long floor = 0; // what every subscriber has read, as last looked at
            while (System.nanoTime() < end) {
                if (sentAtStart < 0 && System.nanoTime() >= measureFrom) {
                    sentAtStart = sent;
                    deliveredAtStart = delivered(clients);
                    startedAt = System.nanoTime();
                }
                if (sent - floor >= window) {
                    floor = slowest(clients);
                }
                if (sent - floor < window) {
                    a.broadcast(Frame.binary(payload));
                    sent++;
                } else {
                    Thread.onSpinWait(); // pacing on the slowest reader, not waiting for an outcome
                }
            }
            double elapsed = (System.nanoTime() - startedAt) / 1e9;
            return new Result((sent - sentAtStart) / elapsed, (delivered(clients) - deliveredAtStart) / elapsed);
        } finally {
            a.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
            if (b != null) {
                b.shutdown(Duration.ZERO).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Hub node(String uri, String prefix, String id) throws InterruptedException {
        Hub hub = Hub.builder().broker(new RedisBroker(RedisBrokerOptions.builder(uri).keyPrefix(prefix).nodeId(id).build()))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!hub.stats().brokerUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + id + " did not reach Redis at " + uri);
            }
            Thread.sleep(10); // a tool, not a test: polling its start-up
        }
        return hub;
    }

    private static long slowest(List<InMemoryClient> clients) {
        long min = Long.MAX_VALUE;
        for (InMemoryClient c : clients) {
            min = Math.min(min, c.messagesRead());
        }
        return min;
    }

    private static long delivered(List<InMemoryClient> clients) {
        long sum = 0;
        for (InMemoryClient c : clients) {
            sum += c.messagesRead();
        }
        return sum;
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
