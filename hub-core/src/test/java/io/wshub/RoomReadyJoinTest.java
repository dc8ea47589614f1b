package io.wshub;

import io.wshub.spi.Broker;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first local join of a room waits until the broker says the room's messages from other nodes
 * reach this node ({@link Broker#roomReady}), and only then joins and answers.
 */
class RoomReadyJoinTest {

    /** A broker that routes by interest: each room gets ready when the test says so. */
    private static final class InterestBroker extends QuietBroker {
        final List<String> asked = new CopyOnWriteArrayList<>();
        volatile CompletableFuture<Void> ready = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> roomReady(String room) {
            asked.add(room);
            return ready;
        }
    }

    private final InterestBroker broker = new InterestBroker();
    private final HubFixture t = HubFixture.with(b -> b.broker(broker).handler(new HubHandler() {
    }));
    private final Rooms rooms = t.hub().rooms();

    @AfterEach
    void close() {
        broker.ready.complete(null); // no join left waiting
        t.close();
    }

    /** Joins on a thread of its own, as a session's inbound thread would, once the broker was asked. */
    private CompletableFuture<Boolean> joinWaiting(String id, String room) {
        CompletableFuture<Boolean> joined = CompletableFuture.supplyAsync(() -> rooms.join(t.session(id), room));
        await().atMost(WAIT).until(() -> broker.asked.contains(room));
        return joined;
    }

    @Test
    void theFirstJoinOfARoomBecomesAMembershipOnlyOnceTheBrokerSaysTheRoomIsReady() throws Exception {
        t.client("alice");
        CompletableFuture<Boolean> joined = joinWaiting("alice", "r");
        assertThat(rooms.isMember(t.session("alice"), "r")).isFalse();
        assertThat(joined).isNotDone();

        broker.ready.complete(null);
        assertThat(joined.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(rooms.isMember(t.session("alice"), "r")).isTrue();
        assertThat(t.errors(ErrorKind.BROKER)).isZero();
    }

    @Test
    void onlyAJoinToARoomWithoutLocalMembersAsksTheBroker() {
        broker.ready.complete(null);
        t.client("alice");
        t.client("bob");
        assertThat(rooms.join(t.session("alice"), "r")).isTrue();
        assertThat(rooms.join(t.session("bob"), "r")).isTrue();
        assertThat(broker.asked).containsExactly("r");

        rooms.leave(t.session("alice"), "r");
        rooms.leave(t.session("bob"), "r");
        assertThat(rooms.join(t.session("bob"), "r")).isTrue(); // the room went and came again
        assertThat(broker.asked).containsExactly("r", "r");
    }

    @Test
    void aRoomTheBrokerCannotMakeReadyIsJoinedAllTheSameAndTheFailureCounted() {
        broker.ready.completeExceptionally(new IllegalStateException("not connected to Redis"));
        t.client("alice");
        assertThat(rooms.join(t.session("alice"), "r")).isTrue();
        assertThat(rooms.isMember(t.session("alice"), "r")).isTrue();
        assertThat(t.errors(ErrorKind.BROKER)).isEqualTo(1);
    }

    @Test
    void aSessionThatClosedWhileItsJoinWaitedLeavesNoEmptyRoomBehind() throws Exception {
        InMemoryClient alice = t.client("alice");
        CompletableFuture<Boolean> joined = joinWaiting("alice", "r");
        assertThat(rooms.names()).containsExactly("r");
        alice.close();
        await().atMost(WAIT).until(() -> t.hub().session("alice").isEmpty());

        broker.ready.complete(null);
        assertThat(joined.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(rooms.names()).isEmpty();
        assertThat(t.hub().stats().rooms()).isZero();
    }
}
