package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.UpgradeRefusedException;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown: drain, notice, 1001, then force after the grace period. */
class ShutdownTest {

    private static final String NOTICE = "{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}";

    @Test
    void queuedMessagesDrainThenTheNoticeThenClose1001() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), RoomProtocol.router().build())) {
            InMemoryClient c = t.client("c");
            c.nextText(WAIT);
            c.pauseReading();
            t.session("c").send("one");
            t.session("c").send("two");

            CompletableFuture<Void> done = t.hub().shutdown(Duration.ofSeconds(10));
            assertThat(done).isNotDone();
            c.resumeReading();

            assertThat(c.nextText(WAIT)).isEqualTo("one");
            assertThat(c.nextText(WAIT)).isEqualTo("two");
            assertThat(c.nextText(WAIT)).isEqualTo(NOTICE);
            assertThat(c.awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
            assertThat(done).isCompleted();
        }
    }

    @Test
    void connectionsThatDoNotDrainAreDroppedWhenTheGraceEnds() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), RoomProtocol.router().build())) {
            InMemoryClient stuck = t.client("stuck");
            InMemoryClient fine = t.client("fine");
            stuck.pauseReading();
            t.session("stuck").send("never read");

            CompletableFuture<Void> done = t.hub().shutdown(Duration.ofSeconds(3));
            assertThat(fine.awaitClose(WAIT).code()).isEqualTo(1001);
            t.advance(Duration.ofSeconds(2));
            assertThat(stuck.isClosed()).isFalse();
            assertThat(done).isNotDone();

            t.advance(Duration.ofSeconds(2));
            assertThat(stuck.awaitClose(WAIT).code()).isEqualTo(1006);
            assertThat(done).isCompleted();
            assertThat(t.hub().sessionCount()).isZero();
        }
    }

    @Test
    void aSessionWhoseWelcomeIsOutWhenShutdownBeginsGetsTheNoticeToo() throws Exception {
        java.util.concurrent.CountDownLatch welcomed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finishOpening = new java.util.concurrent.CountDownLatch(1);
        HubHandler slowToOpen = RoomProtocol.router().onOpen(session -> {
            welcomed.countDown(); // the welcome is written: the peer may act on it
            try {
                finishOpening.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).build();
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), slowToOpen)) {
            CompletableFuture<InMemoryClient> opening = CompletableFuture.supplyAsync(() -> t.client("late"));
            assertThat(welcomed.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();

            CompletableFuture<Void> done = t.hub().shutdown(Duration.ofSeconds(10));
            finishOpening.countDown();
            InMemoryClient late = opening.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);

            assertThat(late.nextText(WAIT)).contains("\"welcome\"");
            assertThat(late.nextText(WAIT)).isEqualTo(NOTICE);
            assertThat(late.awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
            assertThat(late.poll(Duration.ZERO)).isEmpty();
            done.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void shuttingDownTwiceIsHarmlessAndReturnsTheSameFuture() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), RoomProtocol.router().build())) {
            t.client("c");
            CompletableFuture<Void> first = t.hub().shutdown(Duration.ofSeconds(5));
            CompletableFuture<Void> second = t.hub().shutdown(Duration.ofSeconds(1));
            assertThat(second).isSameAs(first);
            assertThat(first).isCompleted();
            assertThat(t.hub().stats().shuttingDown()).isTrue();
        }
    }

    @Test
    void newConnectionsAreRefusedOnceShutdownBegins() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), RoomProtocol.router().build())) {
            InMemoryClient stuck = t.client("stuck");
            stuck.pauseReading();
            t.session("stuck").send("x");
            t.hub().shutdown(Duration.ofSeconds(10));
            assertThatThrownBy(() -> t.client("late"))
                    .isInstanceOfSatisfying(UpgradeRefusedException.class, e -> assertThat(e.status()).isEqualTo(503));
        }
    }

    @Test
    void rawSessionsGetOnlyTheCloseFrame() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), new RawEchoHandler())) {
            InMemoryClient c = t.client("c");
            t.hub().shutdown(Duration.ofSeconds(5));
            assertThat(c.awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
            assertThat(c.drain()).isEmpty();
        }
    }

    @Test
    void anEmptyHubShutsDownAtOnce() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), new HubHandler() {
        })) {
            assertThat(t.hub().shutdown(Duration.ofSeconds(30))).isCompleted();
        }
    }

    @Test
    void closesAreSpreadInRandomOrderAtTheCloseRateAndSessionsWorkUntilTheirTurn() {
        // 20 sessions at 10 per second: one notice every 100 ms, over 2 s (within half of the 10 s grace).
        HubOptions options = HubOptions.builder().shutdownCloseRate(10).build();
        try (HubFixture t = HubFixture.of(options, RoomProtocol.router().build())) {
            List<InMemoryClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                InMemoryClient c = t.client("c" + i);
                c.nextText(WAIT); // welcome
                clients.add(c);
            }
            clients.forEach(InMemoryClient::drain);

            CompletableFuture<Void> done = t.hub().shutdown(Duration.ofSeconds(10));
            assertThat(closed(clients)).as("only the first is closed at once").isEqualTo(1);

            t.advance(Duration.ofMillis(950));
            assertThat(closed(clients)).as("one more every 100 ms").isEqualTo(10);
            InMemoryClient waiting = clients.stream().filter(c -> !c.isClosed()).findFirst().orElseThrow();
            t.session(waiting.sessionId()).send("still served");
            assertThat(done).isNotDone();

            t.advance(Duration.ofMillis(1000));
            assertThat(closed(clients)).isEqualTo(20);
            for (InMemoryClient c : clients) {
                List<String> texts = c.drain().stream().map(InMemoryClient.Received::text).toList();
                assertThat(texts).as("every client got the notice before its close").endsWith(NOTICE);
                assertThat(c.awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
                if (c == waiting) {
                    assertThat(texts).as("served until its turn").containsSubsequence("still served", NOTICE);
                }
            }
            assertThat(done).isCompleted();
        }
    }

    @Test
    void theSpreadNeverTakesMoreThanHalfTheGrace() {
        assertThat(ShutdownSequence.spacingNanos(10_000, Duration.ofSeconds(10), 1000))
                .as("10 000 sessions at 1 000/s would take 10 s: squeezed into 5 s")
                .isEqualTo(Duration.ofSeconds(5).toNanos() / 10_000);
        assertThat(ShutdownSequence.spacingNanos(2_000, Duration.ofSeconds(10), 1000)).isEqualTo(1_000_000);
        assertThat(ShutdownSequence.spacingNanos(5, Duration.ofSeconds(10), 1000)).as("5 ms: at once").isZero();
        assertThat(ShutdownSequence.spacingNanos(10_000, Duration.ofSeconds(10), 0)).as("rate 0: at once").isZero();
        assertThat(ShutdownSequence.spacingNanos(10_000, Duration.ZERO, 1000)).as("no grace: at once").isZero();
    }

    private static long closed(List<InMemoryClient> clients) {
        return clients.stream().filter(InMemoryClient::isClosed).count();
    }

    @Test
    void heldSessionsEndWithTheShutdownUnlessTheStoreOutlivesTheNodeThenNobodyHearsThemLeave() {
        for (boolean outlives : List.of(false, true)) {
            List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();
            io.wshub.spi.DeliveryStore store = new RecordingStore(outlives, revoked);
            HubOptions options = HubOptions.builder().roomHistory(io.wshub.HistoryLimits.DEFAULT)
                    .resumeWindow(Duration.ofSeconds(60)).build();
            try (HubFixture t = HubFixture.with(b -> b.options(options).deliveryStore(store)
                    .handler(RoomProtocol.router().onClose((session, status) -> closed.add(session.id())).build()))) {
                InMemoryClient alice = t.client("alice");
                alice.nextText(WAIT);
                alice.sendText("{\"type\":\"join_room\",\"room\":\"r\"}");
                alice.nextText(WAIT);

                CompletableFuture<Void> done = t.hub().shutdown(Duration.ofSeconds(10));
                assertThat(alice.nextText(WAIT)).isEqualTo(NOTICE);
                assertThat(alice.awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_SHUTDOWN);
                assertThat(done).isCompleted();
                assertThat(t.hub().sessionCount()).isZero();
                if (outlives) {
                    assertThat(closed).as("handed over to the store: it has not ended").isEmpty();
                    assertThat(revoked).as("its token stays, for a resume on another node").isEmpty();
                } else {
                    assertThat(closed).as("nothing could resume it: it ends with the shutdown").containsExactly("alice");
                    assertThat(revoked).containsExactly("alice");
                }
            }
        }
    }

    /** The in-memory store, saying whether it outlives the node, and recording the tokens revoked. */
    private static final class RecordingStore extends io.wshub.ForwardingDeliveryStore {
        private final boolean outlives;
        private final List<String> revoked;

        RecordingStore(boolean outlives, List<String> revoked) {
            this.outlives = outlives;
            this.revoked = revoked;
        }

        @Override
        public void revokeToken(String sessionId) {
            revoked.add(sessionId);
            super.revokeToken(sessionId);
        }

        @Override
        public boolean outlivesNode() {
            return outlives;
        }
    }
}
