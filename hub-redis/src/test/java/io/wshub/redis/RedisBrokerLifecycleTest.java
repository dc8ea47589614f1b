package io.wshub.redis;

import io.wshub.Message;
import io.wshub.spi.Broker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Starting and stopping a broker, from any thread, leaves nothing behind. */
class RedisBrokerLifecycleTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** A hub stand-in that records what it is asked to deliver, or runs a task on it. */
    private static class Recorder implements Broker.Delivery {
        volatile Runnable onBroadcast = () -> { };

        @Override
        public void deliverBroadcast(Message frame, String exceptSessionId) {
            onBroadcast.run();
        }

        @Override
        public void deliverRoom(String room, Message frame, String exceptSessionId) {
        }

        @Override
        public boolean deliverPrivate(String sessionId, Message frame) {
            return false;
        }

        @Override
        public boolean hasSession(String sessionId) {
            return false;
        }

        @Override
        public void reportFailure(String detail) {
        }
    }

    @Test
    void aBrokerStoppedOnItsOwnDeliveryThreadDoesNotWaitForItselfAndItsThreadsEnd() throws Exception {
        String prefix = TestNode.freshPrefix();
        RedisBroker a = new RedisBroker(TestNode.options(redis.uri(), prefix, "a"));
        RedisBroker b = new RedisBroker(TestNode.options(redis.uri(), prefix, "b"));
        Recorder atA = new Recorder();
        CompletableFuture<String> stoppedOn = new CompletableFuture<>();
        CompletableFuture<Duration> stopTook = new CompletableFuture<>();
        atA.onBroadcast = () -> { // as a hub does when its last session closes on a delivery
            long started = System.nanoTime();
            a.stop();
            stopTook.complete(Duration.ofNanos(System.nanoTime() - started));
            stoppedOn.complete(Thread.currentThread().getName());
        };
        a.start(atA);
        b.start(new Recorder());
        try {
            await().atMost(TestNode.WAIT).until(() -> a.isUp() && b.isUp());

            b.publishBroadcast(Message.text("bye"), null);

            assertThat(stoppedOn.get(TestNode.WAIT.toMillis(), TimeUnit.MILLISECONDS)).startsWith("wshub-redis-a-");
            // Waiting for its own thread could only end by giving up after the shutdown timeout.
            assertThat(stopTook.get()).as("stop waited for the thread it ran on").isLessThan(RedisLink.SHUTDOWN_TIMEOUT);
            await("a's Lettuce threads end").atMost(TestNode.WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("wshub-redis-a-") && t.isAlive()));
        } finally {
            b.stop();
        }
    }

    @Test
    void aBrokerNeverStartedHoldsNoThread() {
        new RedisBroker(TestNode.options(redis.uri(), TestNode.freshPrefix(), "idle"));

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("wshub-redis-idle"));
    }

    @Test
    void aStoppedBrokerLeavesNoThreadBehind() {
        RedisBroker broker = new RedisBroker(TestNode.options(redis.uri(), TestNode.freshPrefix(), "brief"));
        broker.start(new Recorder());
        await().atMost(TestNode.WAIT).until(broker::isUp);

        broker.stop();

        assertThat(broker.isUp()).isFalse();
        await().atMost(TestNode.WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("wshub-redis-brief") && t.isAlive()));
    }
}
