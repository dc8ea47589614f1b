package io.wshub.redis;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterViewTest {

    private final ClusterView view = new ClusterView();

    @Test
    void announcementsAddAndRemoveMembersAndSessions() {
        boolean incomplete = view.apply("n1", new Stamp(1, 1),
                List.of(MembershipOp.addSession("a"), MembershipOp.join("a", "r")), 0);
        view.apply("n2", new Stamp(1, 1), List.of(MembershipOp.addSession("b"), MembershipOp.join("b", "r")), 0);

        assertThat(incomplete).as("a node first heard of: read its entries").isTrue();
        assertThat(view.members("r")).containsExactly("a", "b");
        assertThat(view.nodeOf("b")).isEqualTo("n2");

        view.apply("n1", new Stamp(1, 2), List.of(MembershipOp.leave("a", "r"), MembershipOp.removeSession("a")), 0);

        assertThat(view.members("r")).containsExactly("b");
        assertThat(view.nodeOf("a")).isNull();
    }

    @Test
    void anAnnouncementOlderThanWhatIsKnownChangesNothing() {
        view.apply("n1", new Stamp(1, 5), List.of(MembershipOp.addSession("a")), 0);

        boolean incomplete = view.apply("n1", new Stamp(1, 4), List.of(MembershipOp.removeSession("a")), 0);

        assertThat(incomplete).isFalse();
        assertThat(view.nodeOf("a")).isEqualTo("n1");
    }

    @Test
    void aSnapshotOlderThanTheAnnouncementsIsIgnoredAndANewerOneReplacesThem() {
        view.apply("n1", new Stamp(1, 5), List.of(MembershipOp.addSession("a"), MembershipOp.join("a", "r")), 0);

        view.replace(new ClusterView.NodeSnapshot("n1", new Stamp(1, 4), List.of(), List.of()), 0);
        assertThat(view.members("r")).containsExactly("a");

        view.replace(new ClusterView.NodeSnapshot("n1", new Stamp(1, 6), List.of("b"), List.of("b r2")), 0);
        assertThat(view.members("r")).isEmpty();
        assertThat(view.members("r2")).containsExactly("b");
        assertThat(view.nodeOf("b")).isEqualTo("n1");
    }

    @Test
    void aNodeStartedAgainUnderTheSameIdStartsFromNothing() {
        view.apply("n1", new Stamp(1, 9), List.of(MembershipOp.addSession("old")), 0);

        boolean incomplete = view.apply("n1", new Stamp(2, 1), List.of(MembershipOp.addSession("new")), 0);

        assertThat(incomplete).isTrue();
        assertThat(view.nodeOf("old")).isNull();
        assertThat(view.nodeOf("new")).isEqualTo("n1");
    }

    @Test
    void reconcilingDropsNodesNoLongerLiveAndNamesTheOnesThatChangedUnseen() {
        view.apply("gone", new Stamp(1, 1), List.of(MembershipOp.addSession("g")), 100);
        view.apply("behind", new Stamp(1, 1), List.of(MembershipOp.addSession("b")), 100);
        view.apply("current", new Stamp(1, 3), List.of(MembershipOp.addSession("c")), 100);
        view.apply("fresh", new Stamp(1, 1), List.of(MembershipOp.addSession("f")), 300); // heard after the list was read

        List<String> stale = view.reconcile(Map.of("behind", new Stamp(1, 2), "current", new Stamp(1, 3),
                "unknown", new Stamp(1, 1)), Set.of(), 200);

        assertThat(stale).containsExactlyInAnyOrder("behind", "unknown");
        assertThat(view.nodes()).containsExactlyInAnyOrder("behind", "current", "fresh");
        assertThat(view.nodeOf("g")).isNull();
    }

    @Test
    void aGoodbyeSilencesTheNodeButNotALaterStartOfItAndAHeartbeatWithoutItDropsIt() {
        view.apply("n1", new Stamp(2, 1), List.of(MembershipOp.addSession("a"), MembershipOp.join("a", "r")), 0);

        view.remove("n1", 1);
        assertThat(view.nodes()).containsExactly("n1");
        assertThat(view.members("r")).containsExactly("a");

        view.remove("n1", 2);
        assertThat(view.nodes()).isEmpty();
        assertThat(view.members("r")).isEmpty();
        assertThat(view.nodeOf("a")).as("its session, resumable until a heartbeat says otherwise").isEqualTo("n1");

        view.reconcile(Map.of(), Set.of(), 100);
        assertThat(view.nodeOf("a")).isNull();
    }

    @Test
    void aSilentNodeKeepsItsSessionsForPrivateMessagesButNotItsRoomsUntilItIsNoLongerResumable() {
        view.apply("dead", new Stamp(1, 1), List.of(MembershipOp.addSession("a"), MembershipOp.join("a", "r")), 100);
        view.apply("taker", new Stamp(1, 1), List.of(MembershipOp.addSession("b")), 100);

        view.reconcile(Map.of("taker", new Stamp(1, 1)), Set.of("dead"), 200);
        assertThat(view.nodes()).containsExactly("taker");
        assertThat(view.members("r")).isEmpty();
        assertThat(view.nodeOf("a")).isEqualTo("dead");

        view.apply("taker", new Stamp(1, 2), List.of(MembershipOp.addSession("a")), 300); // took it over
        assertThat(view.nodeOf("a")).as("a live holder first").isEqualTo("taker");

        view.reconcile(Map.of("taker", new Stamp(1, 2)), Set.of(), 400);
        assertThat(view.nodes()).containsExactly("taker");
        assertThat(view.nodeOf("a")).isEqualTo("taker");
    }

    @Test
    void aSilentNodeThatIsHeardFromAgainIsReadAgain() {
        view.apply("n1", new Stamp(1, 1), List.of(MembershipOp.addSession("a"), MembershipOp.join("a", "r")), 100);
        view.reconcile(Map.of(), Set.of("n1"), 200);

        assertThat(view.apply("n1", new Stamp(1, 2), List.of(), 300)).as("incomplete: its rooms were dropped").isTrue();
        assertThat(view.nodes()).containsExactly("n1");

        view.reconcile(Map.of(), Set.of("n1"), 400);
        assertThat(view.reconcile(Map.of("n1", new Stamp(1, 2)), Set.of(), 500))
                .as("live again by a heartbeat alone: read again too").containsExactly("n1");
    }
}
