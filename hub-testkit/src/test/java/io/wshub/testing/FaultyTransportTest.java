package io.wshub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubOptions;
import io.wshub.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each fault of the faulty network, against a real room hub on the manual clock: alice and bob,
 * both in room r, start with empty inboxes.
 */
class FaultyTransportTest {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private HubFixture server;
    private Peer alice;
    private Peer bob;

    @BeforeEach
    void aliceAndBobInARoom() {
        server = HubFixture.rooms(HubOptions.builder().writeTimeout(WRITE_TIMEOUT).build());
        List<Peer> p = server.settledPeers("alice", "bob");
        alice = p.get(0);
        bob = p.get(1);
        alice.joinRoom("r");
        bob.joinRoom("r");
        alice.discardReceived();
    }

    @AfterEach
    void closeHub() {
        server.close();
    }

    private FaultyConnection linkOf(Peer peer) {
        return server.network().connection(peer.id());
    }

    /** The content of every private message that has arrived, in order. */
    private static List<String> privateMessages(Peer peer) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : peer.drained("private_message")) {
            out.add(m.path("content").asText());
        }
        return out;
    }

    private void sendToBob(String... contents) {
        for (String content : contents) {
            alice.sendJson("private_message", "to", "bob", "content", content);
        }
    }

    @Test
    void aStalledConnectionIsDroppedByTheHubsWriteTimeoutAndItsRoomHearsItLeft() {
        FaultyConnection link = linkOf(alice);
        link.stallWrites();

        bob.sendJson("room_message", "room", "r", "content", "are you there?");
        assertThat(link.hasHeldWrite()).isTrue();
        alice.expectNothing();

        server.advance(WRITE_TIMEOUT.minusSeconds(1));
        assertThat(alice.client().isClosed()).as("closed before the write timeout").isFalse();
        server.advance(Duration.ofSeconds(2));

        assertThat(alice.client().awaitClose(WAIT)).isEqualTo(CloseStatus.ABNORMAL); // dropped: no close frame passes a stuck write
        assertThat(server.errors(ErrorKind.WRITE_TIMEOUT)).isEqualTo(1);
        assertThat(server.hub().stats().slowConsumerDisconnects()).isEqualTo(1);
        assertThat(server.hub().session("alice")).isEmpty();
        assertThat(link.hasHeldWrite()).as("the stalled write failed at the end").isFalse();
        assertThat(link.isEnded()).isTrue();
        JsonNode left = bob.next("user_left_room");
        assertThat(left.path("userId").asText()).isEqualTo("alice");
        assertThat(left.path("room").asText()).isEqualTo("r");
    }

    @Test
    void aCutConnectionEndsTheSessionAsAbnormalAndItsRoomHearsItLeft() {
        FaultyConnection link = linkOf(alice);

        link.cut();

        assertThat(alice.client().awaitClose(WAIT)).isEqualTo(CloseStatus.ABNORMAL);
        assertThat(link.isEnded()).isTrue();
        assertThat(server.hub().session("alice")).isEmpty();
        assertThat(server.hub().rooms().localMembers("r")).extracting(Session::id).containsExactly("bob");
        assertThat(bob.next("user_left_room").path("userId").asText()).isEqualTo("alice");
        bob.discardReceived(); // the hub-wide user_left
        bob.expectOnlyPong();
    }

    @Test
    void delayedWritesArriveInOrderOnlyOnceTheirTimeHasCome() {
        Duration delay = Duration.ofMillis(200);
        linkOf(bob).delayWrites(delay);

        sendToBob("m0", "m1", "m2", "m3", "m4");
        bob.expectNothing();
        server.advance(delay.minusMillis(1));
        bob.expectNothing();

        server.advance(Duration.ofMillis(1));
        List<String> received = new ArrayList<>(privateMessages(bob));
        assertThat(received).as("the first write, at its time").isNotEmpty().startsWith("m0");
        for (int step = 0; step < 5 && received.size() < 5; step++) {
            server.advance(delay);
            received.addAll(privateMessages(bob));
        }

        assertThat(received).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(server.session("bob").stats().queuedMessages()).isZero();
    }

    @Test
    void droppedWritesCompleteWithoutReachingThePeerUntilDeliveryResumes() {
        FaultyConnection link = linkOf(bob);
        long writtenBefore = server.session("bob").stats().messagesOut();
        link.dropWrites();

        sendToBob("lost 0", "lost 1", "lost 2");

        bob.expectNothing();
        assertThat(link.droppedWrites()).isPositive();
        assertThat(server.session("bob").stats().messagesOut()).as("the hub took them for written").isEqualTo(writtenBefore + 3);
        assertThat(server.session("bob").stats().queuedMessages()).isZero();
        assertThat(server.session("bob").isOpen()).isTrue();

        link.deliverWrites();
        sendToBob("found");
        assertThat(privateMessages(bob)).containsExactly("found");
    }

    @Test
    void aStalledWriteGoesOutWhenDeliveryResumesAndTheRestFollowInOrder() {
        FaultyConnection link = linkOf(bob);
        link.stallWrites();

        sendToBob("first", "second");
        server.advance(WRITE_TIMEOUT.minusSeconds(1));
        bob.expectNothing();
        assertThat(link.hasHeldWrite()).isTrue();

        link.deliverWrites();

        assertThat(privateMessages(bob)).containsExactly("first", "second");
        assertThat(link.hasHeldWrite()).isFalse();
        server.advance(Duration.ofSeconds(5)); // past the stalled write's timeout: it completed
        assertThat(server.session("bob").isOpen()).isTrue();
        bob.expectOnlyPong();
    }

    @Test
    void aWriteDelayedPastTheConnectionsEndFailsAndNothingArrivesAfter() {
        FaultyConnection link = linkOf(bob);
        link.delayWrites(Duration.ofSeconds(1));
        sendToBob("in flight");
        assertThat(link.hasHeldWrite()).isTrue();

        bob.client().abort();

        assertThat(link.hasHeldWrite()).as("failed when the connection ended").isFalse();
        assertThat(server.hub().session("bob")).isEmpty();
        server.advance(Duration.ofSeconds(2));
        assertThat(bob.client().drain()).isEmpty();
    }
}
