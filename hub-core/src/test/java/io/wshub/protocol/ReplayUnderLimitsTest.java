package io.wshub.protocol;

import io.wshub.AddressLimits;
import io.wshub.DeliveryPolicies;
import io.wshub.DeliveryPolicy;
import io.wshub.Handshake;
import io.wshub.HistoryLimits;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.HubStats;
import io.wshub.RateLimit;
import io.wshub.Session;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The delivery guarantees under the overload machinery (docs/overload.md, "Replays"): what a client
 * is replayed from a history counts against neither its queue's limits nor the hub's budget, makes
 * no session behind (no writability event, no overload) and is never cut back; a resuming member's
 * waiting traffic is kept by its room's policy, conflation included; a resumed session counts
 * against the address it came back from.
 */
class ReplayUnderLimitsTest {

    private HubFixture server;
    /** The writability events the application heard: "bob false". */
    private final List<String> writability = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    /** The room protocol, and a record of every writability event (which the router does not handle). */
    private HubHandler recording(MessageRouter router) {
        return (HubHandler) Proxy.newProxyInstance(HubHandler.class.getClassLoader(), new Class<?>[] {HubHandler.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("onWritabilityChanged")) {
                        writability.add(((Session) args[0]).id() + " " + args[1]);
                        return null;
                    }
                    try {
                        return method.invoke(router, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String j(String json) {
        return json.replace('\'', '"');
    }

    private static void say(Peer p, String room, String content) {
        p.send(j("{'type':'room_message','room':'" + room + "','content':'" + content + "'}"));
    }

    @Test
    void aReplayBeyondTheQueueAndTheBudgetIsNeitherBehindNorOverloadedNorCutBack() {
        HubOptions options = HubOptions.builder().roomHistory(HistoryLimits.DEFAULT)
                .maxQueuedMessages(8) // high mark 4
                .maxTotalQueuedBytes(2048) // the replay below is about three times this
                .rateLimit(RateLimit.UNLIMITED)
                .build();
        server = HubFixture.of(options, recording(RoomProtocol.router().build()));
        Peer alice = server.connect("alice");
        Peer bob = server.connect("bob");
        String epoch = alice.join("lobby").get("epoch").asText();
        for (int i = 1; i <= 60; i++) {
            say(alice, "lobby", "message number " + i);
        }
        bob.discardReceived();
        bob.client().pauseReading();

        bob.send(j("{'type':'join_room','room':'lobby','since':{'seq':0,'epoch':'" + epoch + "'}}"));
        say(alice, "lobby", "live one"); // counted: one frame behind the replay
        server.advance(Duration.ofSeconds(2)); // the budget's ticks find nobody to cut back

        HubStats stats = server.hub().stats();
        assertThat(server.session("bob").stats().queuedMessages()).as("the replay waits").isGreaterThan(60);
        assertThat(stats.queuedBytes()).as("the replay is not in the budget").isLessThan(options.maxTotalQueuedBytes());
        assertThat(stats.overloaded()).isFalse();
        assertThat(stats.sessionsBehind()).isZero();
        assertThat(server.session("bob").isWritable()).isTrue();
        alice.sendJson("ping");
        alice.next("pong"); // the publisher is read as before

        bob.client().resumeReading();
        assertThat(bob.next("room_joined").get("recovered").asBoolean()).isTrue();
        List<String> heard = bob.drained("room_message").stream().map(m -> m.get("content").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            expected.add("message number " + i);
        }
        expected.add("live one");
        assertThat(heard).isEqualTo(expected);
        assertThat(writability).isEmpty();
        assertThat(server.session("bob").isOpen()).isTrue();
        assertThat(server.hub().stats().droppedOldest()).isZero();
    }

    @Test
    void liveTrafficBehindAReplayIsMeasuredAloneAndToldOnce() {
        server = HubFixture.of(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).maxQueuedMessages(8)
                .rateLimit(RateLimit.UNLIMITED).build(), recording(RoomProtocol.router().build()));
        Peer alice = server.connect("alice");
        Peer bob = server.connect("bob");
        String epoch = alice.join("lobby").get("epoch").asText();
        for (int i = 1; i <= 20; i++) {
            say(alice, "lobby", "old " + i);
        }
        bob.discardReceived();
        bob.client().pauseReading();
        bob.send(j("{'type':'join_room','room':'lobby','since':{'seq':0,'epoch':'" + epoch + "'}}"));
        for (int i = 1; i <= 3; i++) {
            say(alice, "lobby", "new " + i);
        }
        assertThat(writability).as("three live frames: under the high mark").isEmpty();
        say(alice, "lobby", "new 4");
        assertThat(writability).containsExactly("bob false");

        bob.client().resumeReading();
        assertThat(bob.drained("room_message")).hasSize(24);
        assertThat(writability).containsExactly("bob false", "bob true");
    }

    // ---- what waits for a resume ----

    private Peer connectFrom(String ip, int port, String query, String value) {
        Handshake.Builder h = Handshake.builder().path("/ws").remoteAddress(new InetSocketAddress(ip, port));
        if (query != null) {
            h.queryParameter(query, value);
        }
        return new Peer(server.transport().connect(h.build()));
    }

    @Test
    void aResumingMemberOfAConflatingRoomHoldsTheLatestOfEachKeyWhileItsResumeIsAwaited() {
        server = HubFixture.of(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT)
                .resumeWindow(Duration.ofSeconds(60)).maxQueuedMessages(8).rateLimit(RateLimit.UNLIMITED)
                .deliveryPolicies(DeliveryPolicies.NONE.withRoom("ticker", DeliveryPolicy.conflate("symbol")))
                .build(), recording(RoomProtocol.router().build()));
        Peer feed = server.connect("feed");
        Peer bob = server.connect("bob");
        String token = bob.next("welcome").get("resume").asText();
        feed.joinRoom("ticker");
        bob.joinRoom("ticker");
        server.network().connection("bob").cut();
        Peer back = new Peer(server.transport().connect(Handshake.builder().path("/ws")
                .queryParameter("resume", token).build()));
        assertThat(back.next("welcome").get("resumed").asBoolean()).isTrue();

        for (int i = 1; i <= 30; i++) { // far more than the queue's 8, two keys
            feed.sendJson("room_message", "room", "ticker", "symbol", i % 2 == 1 ? "A" : "B", "price", "p" + i);
        }
        assertThat(server.session("bob").isOpen()).as("not dropped for the feed that waited").isTrue();
        back.send(j("{'type':'resume','rooms':{'ticker':{'seq':0,'epoch':'another'}}}"));
        assertThat(back.next("resumed").get("rooms").get("ticker").asBoolean()).isFalse();
        List<String> heard = back.drained("room_message").stream()
                .map(m -> m.get("symbol").asText() + "=" + m.get("price").asText()).toList();
        assertThat(heard).as("the latest of each key, in the place of its first").containsExactly("A=p29", "B=p30");
        assertThat(server.hub().stats().conflated()).isPositive();
    }

    @Test
    void whatWaitsForAResumeBeyondTheQueuesLimitsIsDroppedByItsRoomsPolicy() {
        server = HubFixture.of(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT)
                .resumeWindow(Duration.ofSeconds(60)).maxQueuedMessages(4).rateLimit(RateLimit.UNLIMITED)
                .deliveryPolicies(DeliveryPolicies.NONE.withRoom("news", DeliveryPolicy.DROP_OLDEST)
                        .withRoom("chat", DeliveryPolicy.DROP_NEWEST))
                .build(), recording(RoomProtocol.router().build()));
        Peer feed = server.connect("feed");
        Peer bob = server.connect("bob");
        String token = bob.next("welcome").get("resume").asText();
        for (String room : List.of("news", "chat")) {
            feed.joinRoom(room);
            bob.joinRoom(room);
        }
        server.network().connection("bob").cut();
        Peer back = new Peer(server.transport().connect(Handshake.builder().path("/ws")
                .queryParameter("resume", token).build()));
        back.next("welcome");

        for (int i = 1; i <= 6; i++) {
            say(feed, "news", "n" + i);
        }
        for (int i = 1; i <= 3; i++) {
            say(feed, "chat", "c" + i); // the four that wait are news: each is refused
        }
        assertThat(server.session("bob").isOpen()).isTrue();
        back.send(j("{'type':'resume','rooms':{}}"));
        back.next("resumed");
        assertThat(back.drained("room_message").stream().map(m -> m.get("content").asText()))
                .containsExactly("n3", "n4", "n5", "n6");
        assertThat(server.hub().stats().droppedOldest()).isEqualTo(2);
        assertThat(server.hub().stats().droppedNewest()).isEqualTo(3);
    }

    @Test
    void aResumedSessionCountsAgainstTheAddressItCameBackFrom() {
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).options(HubOptions.builder()
                .resumeWindow(Duration.ofSeconds(60)).addressLimits(AddressLimits.of(1, 0, 1)).build()));
        Peer bob = connectFrom("203.0.113.7", 40_001, "id", "bob");
        String token = bob.next("welcome").get("resume").asText();
        server.network().connection("bob").cut();
        assertThatThrownBy(() -> connectFrom("203.0.113.7", 40_002, null, null))
                .as("the held session keeps its address's session").isInstanceOf(UpgradeRefusedException.class);

        Peer back = connectFrom("198.51.100.9", 40_003, "resume", token);
        assertThat(back.next("welcome").get("resumed").asBoolean()).isTrue();
        Peer other = connectFrom("203.0.113.7", 40_004, null, null);
        assertThat(other.next("welcome").has("id")).as("the old address is free again").isTrue();
        assertThatThrownBy(() -> connectFrom("198.51.100.9", 40_005, null, null))
                .isInstanceOf(UpgradeRefusedException.class)
                .satisfies(e -> assertThat(((UpgradeRefusedException) e).status()).isEqualTo(429));
    }
}
