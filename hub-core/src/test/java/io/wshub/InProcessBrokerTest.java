package io.wshub;

import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.Admission;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three room-protocol hubs linked by one {@link InProcessBroker.Cluster} behave as one server:
 * presence, broadcasts, room and private messages cross nodes exactly once, and ids and member
 * lists are cluster-wide.
 */
class InProcessBrokerTest {

    private final List<HubFixture> nodes = new ArrayList<>();
    private HubFixture nodeA;
    private HubFixture nodeB;
    private HubFixture nodeC;

    @BeforeEach
    void startCluster() {
        InProcessBroker.Cluster cluster = new InProcessBroker.Cluster();
        for (int i = 0; i < 3; i++) {
            nodes.add(HubFixture.with(b -> b.handler(RoomProtocol.router().build()).broker(cluster.newNode())));
        }
        nodeA = nodes.get(0);
        nodeB = nodes.get(1);
        nodeC = nodes.get(2);
    }

    @AfterEach
    void stopCluster() {
        nodes.forEach(HubFixture::close);
    }

    /** Connects each id to its node, checks its welcome, and empties every inbox. */
    private List<Peer> settle(Object... nodeThenId) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < nodeThenId.length; i += 2) {
            String id = (String) nodeThenId[i + 1];
            Peer p = ((HubFixture) nodeThenId[i]).connect(id);
            p.expect(Peer.welcome(id));
            peers.add(p);
        }
        peers.forEach(Peer::discardReceived);
        return peers;
    }

    @Test
    void aNodeReleasesOnlyTheIdsItHolds() {
        InProcessBroker.Cluster cluster = new InProcessBroker.Cluster();
        InProcessBroker a = cluster.newNode();
        InProcessBroker b = cluster.newNode();
        assertThat(a.claimSessionId("x")).isTrue();
        b.releaseSessionId("x"); // b accepted "x" during an outage; its release must not free a's claim
        assertThat(b.claimSessionId("x")).isFalse();
        a.releaseSessionId("x");
        assertThat(b.claimSessionId("x")).isTrue();
    }

    @Test
    void aNewSessionIsAnnouncedOnEveryNodeOnce() {
        List<Peer> p = settle(nodeA, "a1", nodeB, "b1", nodeC, "c1");

        Peer b2 = nodeB.connect("b2");

        b2.expect(Peer.welcome("b2"));
        for (Peer other : p) {
            other.expect("{\"type\":\"user_joined\",\"id\":\"b2\"}");
            other.expectOnlyPong();
        }
        b2.expectOnlyPong();
    }

    @Test
    void aBroadcastReachesEverySessionOnEveryNodeExactlyOnceButNotItsSender() {
        List<Peer> p = settle(nodeA, "a1", nodeA, "a2", nodeB, "b1", nodeB, "b2", nodeC, "c1");

        p.get(0).send("{\"type\":\"broadcast\",\"content\":\"all nodes\",\"data\":[1.50]}");

        for (Peer other : p.subList(1, p.size())) {
            other.expect("{\"type\":\"broadcast\",\"content\":\"all nodes\",\"data\":[1.50],\"from\":\"a1\"}");
        }
        p.forEach(Peer::expectOnlyPong);
    }

    @Test
    void theMemberListOfRoomJoinedSpansNodes() {
        List<Peer> p = settle(nodeA, "a1", nodeB, "b1", nodeC, "c1");
        p.get(0).joinRoom("lobby");
        p.get(1).joinRoom("lobby");

        p.get(2).send("{\"type\":\"join_room\",\"room\":\"lobby\"}");

        p.get(2).expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"a1\",\"b1\",\"c1\"]}");
        assertThat(nodeA.hub().rooms().members("lobby")).containsExactly("a1", "b1", "c1");
        assertThat(nodeA.hub().rooms().localMembers("lobby")).extracting(Session::id).containsExactly("a1");
    }

    @Test
    void joiningAndLeavingARoomIsAnnouncedToItsMembersOnOtherNodesOnce() {
        List<Peer> p = settle(nodeA, "a1", nodeB, "b1", nodeC, "c1");
        p.get(0).joinRoom("lobby");

        p.get(1).send("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        p.get(1).expect("{\"type\":\"room_joined\",\"room\":\"lobby\",\"members\":[\"a1\",\"b1\"]}");
        p.get(0).expect("{\"type\":\"user_joined_room\",\"room\":\"lobby\",\"userId\":\"b1\"}");
        p.get(1).send("{\"type\":\"leave_room\",\"room\":\"lobby\"}");
        p.get(0).expect("{\"type\":\"user_left_room\",\"room\":\"lobby\",\"userId\":\"b1\"}");

        p.forEach(Peer::expectOnlyPong);
        assertThat(nodeA.hub().rooms().members("lobby")).containsExactly("a1");
    }

    @Test
    void aRoomMessageReachesEveryOtherMemberOnEveryNodeExactlyOnce() {
        List<Peer> p = settle(nodeA, "a1", nodeA, "a2", nodeA, "a3", nodeB, "b1", nodeB, "b2", nodeC, "c1");
        for (Peer member : List.of(p.get(0), p.get(1), p.get(3), p.get(5))) {
            member.joinRoom("lobby");
        }
        p.forEach(Peer::discardReceived);

        p.get(0).send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}");

        String relayed = "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\",\"from\":\"a1\"}";
        p.get(1).expect(relayed);
        p.get(3).expect(relayed);
        p.get(5).expect(relayed);
        p.forEach(Peer::expectOnlyPong); // nothing for the sender, a3 and b2 (not members), nor twice for anyone
    }

    @Test
    void aPrivateMessageReachesItsTargetOnAnotherNodeExactlyOnce() {
        List<Peer> p = settle(nodeA, "a1", nodeB, "b1", nodeC, "c1");

        p.get(0).send("{\"type\":\"private_message\",\"to\":\"c1\",\"content\":\"psst\"}");

        p.get(2).expect("{\"type\":\"private_message\",\"to\":\"c1\",\"content\":\"psst\",\"from\":\"a1\"}");
        p.forEach(Peer::expectOnlyPong);
    }

    @Test
    void aPrivateMessageToAnIdOnNoNodeIsRefused() {
        List<Peer> p = settle(nodeA, "a1", nodeB, "b1");
        p.get(1).client().close();
        p.get(0).discardReceived();

        p.get(0).send("{\"type\":\"private_message\",\"to\":\"b1\",\"content\":\"gone?\"}");
        p.get(0).expectError("User not found");
        p.get(0).send("{\"type\":\"private_message\",\"to\":\"nobody\",\"content\":\"hello?\"}");
        p.get(0).expectError("User not found");

        p.get(0).expectOnlyPong();
    }

    @Test
    void anIdHeldOnAnotherNodeIsRefusedWith409UntilItsSessionCloses() {
        Peer alice = nodeA.connect("alice");

        assertThatThrownBy(() -> nodeB.connect("alice")).isInstanceOfSatisfying(UpgradeRefusedException.class,
                e -> assertThat(e.status()).isEqualTo(409));
        assertThat(nodeC.hub().acceptor().admit(Handshake.builder().queryParameter("id", "alice").build()))
                .isEqualTo(new Admission.Refused(409, "Session id taken"));

        alice.client().close();
        Peer again = nodeB.connect("alice");
        again.expect(Peer.welcome("alice"));
    }

    @Test
    void anIdReservedButNeverOpenedIsFreeOnEveryNodeOnceAbandoned() {
        Admission.Accepted pending = (Admission.Accepted) nodeA.hub().acceptor()
                .admit(Handshake.builder().queryParameter("id", "alice").build());
        assertThatThrownBy(() -> nodeB.connect("alice")).isInstanceOf(UpgradeRefusedException.class);

        pending.abandon();

        assertThat(nodeB.connect("alice").id()).isEqualTo("alice");
    }

    @Test
    void aDisconnectIsAnnouncedAcrossNodesRoomsFirst() {
        List<Peer> p = settle(nodeA, "a1", nodeB, "b1", nodeC, "c1");
        p.get(0).joinRoom("lobby");
        p.get(1).joinRoom("lobby");
        p.forEach(Peer::discardReceived);

        p.get(1).client().close();

        p.get(0).expect("{\"type\":\"user_left_room\",\"room\":\"lobby\",\"userId\":\"b1\"}");
        p.get(0).expect("{\"type\":\"user_left\",\"id\":\"b1\"}");
        p.get(2).expect("{\"type\":\"user_left\",\"id\":\"b1\"}");
        p.get(0).expectOnlyPong();
        p.get(2).expectOnlyPong();
        assertThat(nodeA.hub().rooms().members("lobby")).containsExactly("a1");
    }
}
