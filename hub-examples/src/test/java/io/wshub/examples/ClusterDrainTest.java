package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientState;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RecoveryListener;
import io.wshub.client.RoomClient;
import io.wshub.client.jetty.JettyClientTransport;
import io.wshub.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three room servers on one Redis, wshub room clients that know every node's URL, a steady stream
 * of room messages; one node drains (a graceful shutdown, as SIGTERM starts) and its clients move
 * to the other two.
 */
class ClusterDrainTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CLIENTS = 12;
    private static final String ROOM = "feed";
    /** Slow enough that a drained node's few clients are told one by one, over about a second. */
    private static final int CLOSE_RATE = 4;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ServerFixture> nodes = new ArrayList<>();
    private final List<Receiver> receivers = new ArrayList<>();
    private RedisServer redis;
    private JettyClientTransport transport;
    private ScheduledExecutorService ticker;

    /**
     * A client of the feed, what its application got, in order, whether each welcome resumed its
     * session, and what happened to it (for a failure's message).
     */
    private record Receiver(RoomClient rooms, List<Integer> got, List<Boolean> resumed, List<String> trace) {
        URI node() {
            return rooms.client().url();
        }
    }

    /** The outcome of a drain: the node drained, the messages sent, who was on it. */
    private record Drain(URI drained, int sent, List<Receiver> moved, List<Receiver> stayed) {
    }

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < 3; i++) {
            nodes.add(ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri(),
                    Setting.SHUTDOWN_CLOSE_RATE, CLOSE_RATE)));
        }
        for (ServerFixture n : nodes) {
            await("ready").atMost(WAIT).until(() -> status(n, "/health/ready") == 200);
        }
        transport = JettyClientTransport.create();
        ticker = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        ticker.shutdownNow();
        receivers.forEach(r -> r.rooms().close());
        for (ServerFixture n : nodes) {
            n.close();
        }
        transport.close();
        redis.close();
    }

    @Test
    void theDrainedNodesClientsMoveToTheOtherNodesAndEveryClientGetsTheFeedInOrderWithoutDuplicates() throws Exception {
        Drain drain = drainOneNodeUnderTraffic();

        assertThat(drain.moved()).as("the drained node had clients").isNotEmpty();
        for (Receiver r : receivers) {
            assertThat(r.node()).as("every client ends up on one of the other two nodes").isNotEqualTo(drain.drained());
            assertThat(r.rooms().client().state()).isEqualTo(ClientState.OPEN);
            assertThat(r.got()).as("in order, each at most once").isSortedAccordingTo(Comparator.naturalOrder())
                    .doesNotHaveDuplicates();
            assertThat(r.got()).as("the feed's last message reached every client, wherever it moved")
                    .endsWith(drain.sent() - 1);
        }
        for (Receiver r : drain.stayed()) {
            assertThat(r.got()).as(() -> "a client of a node that stayed got every message once, in order; " + gaps(r, drain))
                    .isEqualTo(all(drain.sent()));
        }
    }

    /** What a receiver missed or got twice, to tell a lost message from a replayed one in a failure. */
    private static String gaps(Receiver r, Drain drain) {
        List<Integer> got = List.copyOf(r.got());
        List<Integer> missing = all(drain.sent()).stream().filter(i -> !got.contains(i)).toList();
        List<Integer> twice = got.stream().filter(i -> got.indexOf(i) != got.lastIndexOf(i)).distinct().toList();
        return (drain.moved().contains(r) ? "moved" : "stayed") + ", welcomes resumed " + r.resumed()
                + ", missing " + missing + ", got twice " + twice + ", of " + drain.sent() + ", its events " + r.trace();
    }

    @Test
    void everyClientOfTheDrainedNodeResumesElsewhereAndItsApplicationGetsEveryMessageOnceAndInOrder() throws Exception {
        Drain drain = drainOneNodeUnderTraffic();

        for (Receiver r : receivers) {
            assertThat(r.node()).isNotEqualTo(drain.drained());
            assertThat(r.got()).as(() -> "every room message once and in order; " + gaps(r, drain))
                    .isEqualTo(all(drain.sent()));
        }
        for (Receiver r : drain.moved()) {
            assertThat(r.resumed()).as("its session resumed on the other node, the node gone or not").endsWith(true);
        }
    }

    /**
     * Connects the clients (each starts at a random node), streams messages into the room from a
     * client on another node than the one drained, drains the node with the most clients while
     * the stream goes on, and sends on until every client is back and has the last message.
     */
    private Drain drainOneNodeUnderTraffic() throws Exception {
        List<URI> urls = nodes.stream().map(n -> n.ws("/ws")).toList();
        for (int i = 0; i < CLIENTS; i++) {
            receivers.add(receiver(urls));
        }
        Map<URI, List<Receiver>> byNode = new LinkedHashMap<>();
        urls.forEach(u -> byNode.put(u, new ArrayList<>()));
        receivers.forEach(r -> byNode.get(r.node()).add(r));
        URI drained = Collections.max(byNode.keySet(), Comparator.comparingInt(u -> byNode.get(u).size()));
        ServerFixture drainedNode = nodes.get(urls.indexOf(drained));
        List<Receiver> moved = List.copyOf(byNode.get(drained));
        List<Receiver> stayed = receivers.stream().filter(r -> !moved.contains(r)).toList();

        URI publisherNode = urls.stream().filter(u -> !u.equals(drained)).findFirst().orElseThrow();
        RoomClient publisher = RoomClient.connect(ReconnectingClient.builder(transport).url(publisherNode)
                .onMessage(frame -> { }));
        try {
            publisher.join(ROOM).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            AtomicInteger next = new AtomicInteger();
            List<CompletableFuture<?>> sends = Collections.synchronizedList(new ArrayList<>());
            ticker.scheduleAtFixedRate(() -> sends.add(publisher.send(ROOM, String.valueOf(next.getAndIncrement()))),
                    0, 20, TimeUnit.MILLISECONDS);
            await("traffic flows").atMost(WAIT).until(() -> stayed.stream().allMatch(r -> r.got().size() >= 10)
                    && moved.stream().allMatch(r -> r.got().size() >= 10));

            drainedNode.stopServer(); // as SIGTERM: the notices go out one by one, then the node stops

            await("every client back on another node").atMost(WAIT).until(() -> receivers.stream()
                    .allMatch(r -> !r.node().equals(drained) && r.rooms().client().state() == ClientState.OPEN));
            int afterReturn = next.get();
            await("the feed reaches the moved clients again").atMost(WAIT)
                    .until(() -> moved.stream().allMatch(r -> lastOf(r) > afterReturn));
            ticker.shutdown();
            assertThat(ticker.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            int sent = next.get();
            for (CompletableFuture<?> send : List.copyOf(sends)) {
                send.get(WAIT.toSeconds(), TimeUnit.SECONDS); // acknowledged by the publisher's node
            }
            await("the last message everywhere").atMost(WAIT)
                    .until(() -> receivers.stream().allMatch(r -> lastOf(r) == sent - 1));
            return new Drain(drained, sent, moved, stayed);
        } finally {
            publisher.close();
        }
    }

    /** A room client of the feed that knows every node, joined. */
    private Receiver receiver(List<URI> urls) throws Exception {
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> resumed = Collections.synchronizedList(new ArrayList<>());
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        long began = System.nanoTime();
        Consumer<String> event = what -> trace.add((System.nanoTime() - began) / 1_000_000 + " ms " + what);
        AtomicReference<RoomClient> self = new AtomicReference<>();
        RoomClient rooms = RoomClient.connect(ReconnectingClient.builder(transport).urls(urls).onMessage(frame -> {
            JsonNode m = parse(frame.text());
            if ("room_message".equals(m.path("type").asText()) && ROOM.equals(m.path("room").asText())) {
                got.add(Integer.parseInt(m.path("content").asText()));
            } else if ("welcome".equals(m.path("type").asText())) {
                resumed.add(m.path("resumed").asBoolean());
                RoomClient c = self.get(); // null while the first connect returns
                event.accept("welcome from " + (c == null ? "the first node" : c.client().url().getPort()) + " after "
                        + lastOf(got) + ": " + m);
            }
        }).listener(new ClientListener() {
            @Override
            public void onStateChange(ClientState previous, ClientState current) {
                event.accept(current.toString());
            }

            @Override
            public void onFailure(ClientFailure failure) {
                event.accept("failure " + failure);
            }
        }), new RecoveryListener() {
            @Override
            public void onRoomRestored(String room, boolean recovered) {
                event.accept(room + (recovered ? " recovered" : " not recovered") + " after " + lastOf(got));
            }
        });
        self.set(rooms);
        rooms.join(ROOM).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return new Receiver(rooms, got, resumed, trace);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lastOf(Receiver r) {
        return lastOf(r.got());
    }

    private static int lastOf(List<Integer> got) {
        synchronized (got) {
            return got.isEmpty() ? -1 : got.get(got.size() - 1);
        }
    }

    private static List<Integer> all(int sent) {
        List<Integer> all = new ArrayList<>(sent);
        for (int i = 0; i < sent; i++) {
            all.add(i);
        }
        return all;
    }

    private int status(ServerFixture node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(node.http(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
