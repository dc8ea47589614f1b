package io.wshub.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wshub.HubOptions;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gauges read what a real hub holds when they are read. */
class HubGaugesTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final HubMetrics metrics = HubMetrics.builder(registry).path("/ws").build();
    private final HubFixture server = HubFixture.with(b -> b
            .options(HubOptions.builder().maxQueuedMessages(1_000).overflowPolicy(OverflowPolicy.DROP_NEWEST)
                    .rateLimit(RateLimit.UNLIMITED).build())
            .handler(RoomProtocol.router(false).build())
            .metrics(metrics));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sessionsRoomsAndMembersAreReadFromTheHub() {
        metrics.watch(server.hub());
        var peers = server.settledPeers("alice", "bob", "carol");
        peers.get(0).joinRoom("lobby");
        peers.get(1).joinRoom("lobby");
        peers.get(2).joinRoom("kitchen");

        assertThat(gauge(HubGauges.SESSIONS)).isEqualTo(3);
        assertThat(gauge(HubGauges.ROOMS)).isEqualTo(2);
        assertThat(gauge(HubGauges.ROOM_MEMBERS)).isEqualTo(3);
        assertThat(gauge(HubGauges.LARGEST_ROOM)).isEqualTo(2);
        assertThat(gauge(HubGauges.BROKER_UP)).isEqualTo(1);

        peers.get(2).close();
        assertThat(gauge(HubGauges.SESSIONS)).isEqualTo(2);
        assertThat(gauge(HubGauges.ROOMS)).isEqualTo(1);
    }

    @Test
    void queuedMessagesAndBytesAreWhatWaitsForAPeerThatStoppedReading() {
        metrics.watch(server.hub());
        var peers = server.settledPeers("alice", "bob");
        Peer alice = peers.get(0);
        Peer bob = peers.get(1);
        alice.joinRoom("lobby");
        bob.joinRoom("lobby");
        alice.discardReceived();
        bob.client().pauseReading();
        for (int i = 0; i < 5; i++) {
            alice.sendJson("room_message", "room", "lobby", "content", "m" + i);
        }

        // One write may be in flight and so out of the queue; the rest waits.
        assertThat(gauge(HubGauges.QUEUED_MESSAGES)).isBetween(4.0, 5.0);
        assertThat(gauge(HubGauges.QUEUED_BYTES)).isPositive();
        bob.client().resumeReading();
        assertThat(gauge(HubGauges.QUEUED_MESSAGES)).isZero();
        assertThat(gauge(HubGauges.QUEUED_BYTES)).isZero();
    }

    @Test
    void theBudgetAndTheOverloadAreReadFromTheHub() {
        metrics.watch(server.hub());
        var peers = server.settledPeers("alice", "bob");
        Peer alice = peers.get(0);
        Peer bob = peers.get(1);
        alice.joinRoom("lobby");
        bob.joinRoom("lobby");
        bob.client().pauseReading();
        for (int i = 0; i < 600; i++) {
            alice.sendJson("room_message", "room", "lobby", "content", "m" + i); // past bob's high mark (500)
        }

        assertThat(gauge(HubGauges.QUEUE_BUDGET)).isEqualTo(server.hub().options().maxTotalQueuedBytes());
        assertThat(gauge(HubGauges.SESSIONS_BEHIND)).isEqualTo(1);
        assertThat(gauge(HubGauges.OVERLOADED)).isZero(); // one reader behind: slow on its own
        assertThat(registry.get(HubGauges.OVERLOADS).functionCounter().count()).isZero();
        assertThat(registry.get(HubGauges.CONFLATED).functionCounter().count()).isZero();
        bob.client().resumeReading();
        assertThat(gauge(HubGauges.SESSIONS_BEHIND)).isZero();
    }

    @Test
    void oneBindingWatchesOneHub() {
        metrics.watch(server.hub());
        assertThatThrownBy(() -> metrics.watch(server.hub())).isInstanceOf(IllegalStateException.class);
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
