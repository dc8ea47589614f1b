package io.wshub.redis;

import io.wshub.testing.Peer;
import io.wshub.HistoryLimits;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.protocol.MessageRouter;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * One node of a test cluster: a hub speaking the room protocol, with a Redis broker and an
 * in-memory transport. Timings are short, so expiry and recovery take a second or two.
 */
final class TestNode implements AutoCloseable {

    static final Duration REFRESH = Duration.ofMillis(300);
    static final Duration EXPIRY = Duration.ofMillis(1_500);
    /** Generous for a loaded 2-core machine, and still at most the refresh interval. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
    static final Duration WAIT = Duration.ofSeconds(10);
    /** A node that cannot reach Redis takes clients after this, degraded. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(1);

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    final String id;
    final RedisBroker broker;
    final Hub hub;
    /** Its delivery store, when resume is on; null otherwise. */
    final RedisDeliveryStore store;
    final InMemoryTransport transport;

    TestNode(String redisUri, String keyPrefix, String nodeId) {
        this(redisUri, keyPrefix, nodeId, HubOptions.builder().build());
    }

    /** A node with these hub options (the delivery guarantees, say), and with resume on the Redis store. */
    TestNode(String redisUri, String keyPrefix, String nodeId, HubOptions hubOptions) {
        this(redisUri, keyPrefix, nodeId, hubOptions, UnaryOperator.identity());
    }

    /** The same, with the room protocol's router as {@code router} makes it (hooks added, say). */
    TestNode(String redisUri, String keyPrefix, String nodeId, HubOptions hubOptions,
             UnaryOperator<MessageRouter.Builder> router) {
        this.id = nodeId;
        this.broker = new RedisBroker(options(redisUri, keyPrefix, nodeId));
        Hub.Builder b = Hub.builder().options(hubOptions).handler(router.apply(RoomProtocol.router()).build()).broker(broker);
        this.store = hubOptions.resumeOn() ? broker.deliveryStore(hubOptions) : null;
        if (store != null) {
            b.deliveryStore(store);
        }
        this.hub = b.build();
        this.transport = new InMemoryTransport(hub.acceptor());
    }

    /** The room server's delivery guarantees: room history, resume and dedupe at their defaults. */
    static HubOptions guarantees() {
        return guarantees(Duration.ofSeconds(60));
    }

    /** The same with this resume window. */
    static HubOptions guarantees(Duration resumeWindow) {
        return HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(resumeWindow)
                .inbox(HistoryLimits.DEFAULT).dedupeWindow(1_000).build();
    }

    /** A key prefix no other test uses: a cluster of its own on the shared Redis. */
    static String freshPrefix() {
        return "test" + CLUSTERS.incrementAndGet() + ":";
    }

    static RedisBrokerOptions options(String redisUri, String keyPrefix, String nodeId) {
        return RedisBrokerOptions.builder(redisUri).nodeId(nodeId).keyPrefix(keyPrefix)
                .refreshInterval(REFRESH).expiry(EXPIRY).commandTimeout(COMMAND_TIMEOUT).startupTimeout(STARTUP_TIMEOUT).build();
    }

    /** Waits until the node is registered in Redis. */
    TestNode awaitUp() {
        await(id + " up").atMost(WAIT).until(() -> hub.stats().brokerUp());
        return this;
    }

    /** Connects a client as this session id and reads its welcome. */
    Peer connect(String sessionId) {
        InMemoryClient client = transport.connect(sessionId);
        Peer peer = new Peer(client);
        peer.next("welcome");
        return peer;
    }

    /** Closes every node given (nulls skipped), even when one fails; then throws the first failure. */
    static void closeAll(TestNode... nodes) throws Exception {
        Exception first = null;
        for (TestNode n : nodes) {
            try {
                if (n != null) {
                    n.close();
                }
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = e instanceof Exception ex ? ex : new Exception(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            hub.shutdown(Duration.ZERO).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            StringBuilder dump = new StringBuilder("node " + id + " did not shut down within " + WAIT + "; threads:\n");
            Thread.getAllStackTraces().forEach((t, stack) -> {
                dump.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement f : stack) {
                    dump.append("    at ").append(f).append('\n');
                }
            });
            throw new AssertionError(dump.toString(), e);
        }
    }
}
