package io.wshub.redis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Which room channels a node subscribes to, and when, on a fake connection and a manual clock. */
class RoomSubscriptionsTest {

    private static final long LINGER = 1_000;

    private final List<String> commands = new ArrayList<>();
    private final AtomicBoolean connected = new AtomicBoolean(true);
    private final List<CompletableFuture<Void>> confirmations = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final RoomSubscriptions rooms = new RoomSubscriptions(new RoomSubscriptions.Channels() {
        @Override
        public CompletableFuture<Void> subscribe(String channel) {
            commands.add("+" + channel);
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            confirmations.add(confirmed);
            return confirmed;
        }

        @Override
        public boolean unsubscribe(String channel) {
            if (connected.get()) {
                commands.add("-" + channel);
            }
            return connected.get();
        }
    }, room -> "ch:" + room, LINGER, now::get);

    @Test
    void aJoinsReadStartsOnlyOnceRedisConfirmedTheSubscription() {
        AtomicBoolean read = new AtomicBoolean();
        CompletionStage<String> answer = rooms.read("r", () -> {
            read.set(true);
            return CompletableFuture.completedFuture("position");
        });
        assertThat(commands).containsExactly("+ch:r");
        assertThat(read).isFalse();

        confirmations.get(0).complete(null);
        assertThat(read).isTrue();
        assertThat(answer.toCompletableFuture().getNow(null)).isEqualTo("position");
    }

    @Test
    void aRoomIsReadyForAJoinWithoutAReadOnlyOnceRedisConfirmedTheSubscription() {
        CompletableFuture<Void> ready = rooms.ready("r").toCompletableFuture();
        assertThat(commands).containsExactly("+ch:r");
        assertThat(ready).isNotDone();

        confirmations.get(0).complete(null);
        assertThat(ready).isCompleted();
        assertThat(rooms.ready("r").toCompletableFuture()).isCompleted(); // subscribed already: at once
        assertThat(commands).containsExactly("+ch:r");
    }

    @Test
    void aRoomMadeReadyStaysSubscribedForTheLingerTimeUntilItsJoinTakesOver() {
        rooms.ready("r");
        now.addAndGet(LINGER / 2); // the confirmation takes its time: the linger starts from it
        confirmations.get(0).complete(null);
        now.addAndGet(LINGER - 1);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isTrue();

        rooms.joined("r", "alice");
        now.addAndGet(LINGER * 10);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isTrue();
        assertThat(commands).containsExactly("+ch:r");
    }

    @Test
    void aReadOfARoomAlreadySubscribedGoesAtOnceWithoutSubscribingAgain() {
        rooms.joined("r", "alice");
        confirmations.get(0).complete(null);
        AtomicBoolean read = new AtomicBoolean();
        rooms.read("r", () -> {
            read.set(true);
            return CompletableFuture.completedFuture(null);
        });
        assertThat(read).isTrue();
        assertThat(commands).containsExactly("+ch:r");
    }

    @Test
    void aFailedSubscriptionFailsTheReadAndTheNextOneSubscribesAgain() {
        AtomicBoolean read = new AtomicBoolean();
        CompletionStage<Object> answer = rooms.read("r", () -> {
            read.set(true);
            return CompletableFuture.completedFuture(null);
        });
        confirmations.get(0).completeExceptionally(new IllegalStateException("not connected"));
        assertThat(answer.toCompletableFuture()).isCompletedExceptionally();
        assertThat(read).isFalse();

        rooms.joined("r", "alice");
        assertThat(commands).containsExactly("+ch:r", "+ch:r");
    }

    @Test
    void aRoomIsUnsubscribedOnlyWhenItHadNoMemberForTheLingerTime() {
        rooms.joined("r", "alice");
        rooms.joined("r", "bob");
        rooms.left("r", "alice");
        now.addAndGet(LINGER * 10);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isTrue(); // bob is still in it

        rooms.released("bob"); // ended without leaving: it leaves here all the same
        now.addAndGet(LINGER - 1);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isTrue();
        now.addAndGet(1);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isFalse();
        assertThat(commands).containsExactly("+ch:r", "-ch:r");
    }

    @Test
    void aReadWithoutAJoinAfterItLingersAndThenGoes() {
        rooms.read("r", () -> CompletableFuture.completedFuture(null));
        confirmations.get(0).complete(null);
        now.addAndGet(LINGER - 1);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isTrue();
        now.addAndGet(1);
        rooms.sweep();
        assertThat(rooms.count()).isZero();
    }

    @Test
    void aJoinAfterTheUnsubscribeSubscribesAgainBehindIt() {
        rooms.joined("r", "alice");
        rooms.left("r", "alice");
        now.addAndGet(LINGER);
        rooms.sweep();
        rooms.joined("r", "bob");
        assertThat(commands).containsExactly("+ch:r", "-ch:r", "+ch:r");
        assertThat(rooms.isSubscribed("r")).isTrue();
    }

    @Test
    void resubscribingAfterAReconnectSubscribesEveryWantedRoom() {
        rooms.joined("r", "alice");
        rooms.joined("s", "alice");
        commands.clear();
        rooms.resubscribe();
        assertThat(commands).containsExactlyInAnyOrder("+ch:r", "+ch:s");
    }

    @Test
    void anUnsubscribeThatCouldNotBeSentIsTriedAgainAtTheNextSweep() {
        rooms.joined("r", "alice");
        rooms.left("r", "alice");
        now.addAndGet(LINGER);
        connected.set(false);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isTrue();
        connected.set(true);
        rooms.sweep();
        assertThat(rooms.isSubscribed("r")).isFalse();
        assertThat(commands).containsExactly("+ch:r", "-ch:r");
    }
}
