package io.wshub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.DeliveryPolicies;
import io.wshub.DeliveryPolicy;
import io.wshub.HubOptions;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import io.wshub.protocol.Envelope;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rooms whose policy is {@code conflate:FIELD}: a reader that falls behind holds the latest message
 * of each key, replaced in place, and is never disconnected for it (docs/overload.md).
 */
class ConflationTest {

    private static final int SYMBOLS = 10;

    private final HubFixture server = HubFixture.with(b -> b
            .handler(RoomProtocol.router(false).build())
            .options(HubOptions.builder()
                    .maxQueuedMessages(16) // fewer than the updates, more than the symbols
                    .rateLimit(RateLimit.UNLIMITED)
                    .overflowPolicy(OverflowPolicy.DISCONNECT)
                    .deliveryPolicies(DeliveryPolicies.NONE
                            .withRoom("ticker.*", DeliveryPolicy.conflate("symbol"))
                            .withType("chat", DeliveryPolicy.DROP_NEWEST))
                    .build()));

    @AfterEach
    void stop() {
        server.close();
    }

    /** A reader in these rooms with the feed, who stopped reading; neither has anything waiting. */
    private Peer stalledReaderWith(Peer feed, String... rooms) {
        Peer reader = server.connect("reader");
        for (String room : rooms) {
            feed.joinRoom(room);
            reader.joinRoom(room);
        }
        feed.discardReceived();
        reader.discardReceived();
        reader.client().pauseReading();
        return reader;
    }

    @Test
    void aStalledReaderHoldsOneMessagePerKeyAndGetsTheLatestOfEachWhenItResumes() {
        Peer feed = server.connect("feed");
        Peer reader = stalledReaderWith(feed, "ticker.eu");

        Map<String, String> latest = new HashMap<>();
        for (int round = 0; round < 50; round++) {
            for (int s = 0; s < SYMBOLS; s++) {
                String price = round + "." + s;
                feed.sendJson("room_message", "room", "ticker.eu", "symbol", "S" + s, "price", price);
                latest.put("S" + s, price);
                // What waits behind the write in flight: never more than one per key.
                assertThat(server.session("reader").stats().queuedMessages()).isLessThanOrEqualTo(SYMBOLS);
            }
        }
        assertThat(server.session("reader").isOpen()).isTrue();
        assertThat(server.hub().stats().conflated()).isPositive();

        reader.client().resumeReading();
        Map<String, String> received = new HashMap<>();
        for (JsonNode m : reader.drained("room_message")) {
            received.put(m.get("symbol").asText(), m.get("price").asText()); // the last one of each key wins
        }
        assertThat(received).isEqualTo(latest);
        assertThat(server.session("reader").isOpen()).isTrue();
    }

    @Test
    void theSameKeyInTwoRoomsIsTwoKeys() {
        Peer feed = server.connect("feed");
        Peer reader = stalledReaderWith(feed, "ticker.eu", "ticker.us");
        feed.sendJson("room_message", "room", "ticker.eu", "symbol", "X", "price", "0"); // goes into the write in flight
        for (String room : List.of("ticker.eu", "ticker.us", "ticker.eu", "ticker.us")) {
            feed.sendJson("room_message", "room", room, "symbol", "X", "price", room);
        }

        assertThat(server.session("reader").stats().queuedMessages()).isEqualTo(2);
        reader.client().resumeReading();
        assertThat(reader.drained("room_message")).extracting(m -> m.get("room").asText() + "=" + m.get("price").asText())
                .containsExactly("ticker.eu=0", "ticker.eu=ticker.eu", "ticker.us=ticker.us");
    }

    @Test
    void aMessageWithoutTheFieldIsQueuedAndDropsTheOldestWhenTheQueueIsFull() {
        Peer feed = server.connect("feed");
        Peer reader = stalledReaderWith(feed, "ticker.eu");
        for (int i = 0; i < 40; i++) {
            feed.sendJson("room_message", "room", "ticker.eu", "note", "n" + i);
        }

        assertThat(server.session("reader").isOpen()).isTrue(); // the room's policy, not the hub's disconnect
        assertThat(server.session("reader").stats().queuedMessages()).isEqualTo(16);
        assertThat(server.hub().stats().droppedOldest()).isPositive();
    }

    @Test
    void aTypeRuleWinsOverTheRoomsRuleAndARoomWithoutARuleGetsTheHubsPolicy() {
        try (HubFixture chat = HubFixture.with(b -> b
                .handler(RoomProtocol.router(false)
                        .on("chat", (session, msg) -> session.hub().rooms().broadcast(RoomProtocol.room(msg),
                                Envelope.encode(msg.put("from", session.id())), session))
                        .build())
                .options(server.hub().options()))) {
            List<Peer> peers = chat.settledPeers("feed", "slow", "stalled");
            Peer feed = peers.get(0);
            feed.joinRoom("ticker.eu");
            peers.get(1).joinRoom("ticker.eu");
            feed.joinRoom("lobby");
            peers.get(2).joinRoom("lobby");
            feed.discardReceived();
            peers.get(1).client().pauseReading();
            peers.get(2).client().pauseReading();
            for (int i = 0; i < 40; i++) {
                feed.sendJson("chat", "room", "ticker.eu", "symbol", "X", "content", "c" + i);
                feed.sendJson("room_message", "room", "lobby", "content", "c" + i);
            }

            // chat is drop_newest wherever it goes: neither conflated by symbol nor disconnected
            assertThat(chat.session("slow").isOpen()).isTrue();
            assertThat(chat.session("slow").stats().queuedMessages()).isEqualTo(16);
            assertThat(chat.hub().stats().droppedNewest()).isPositive();
            // lobby has no rule: the hub's disconnect
            assertThat(chat.hub().session("stalled").map(s -> s.isOpen()).orElse(false)).isFalse();
        }
    }
}
