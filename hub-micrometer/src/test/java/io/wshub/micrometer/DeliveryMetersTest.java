package io.wshub.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wshub.Handshake;
import io.wshub.HistoryLimits;
import io.wshub.HubOptions;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The delivery guarantees' meters read what a real hub holds and did: holds, resumes, histories, inboxes, refs. */
class DeliveryMetersTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final HubMetrics metrics = HubMetrics.builder(registry).path("/ws").build();
    private final HubFixture server = HubFixture.with(b -> b
            .options(HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(Duration.ofSeconds(60)).build())
            .handler(RoomProtocol.router(false).build())
            .metrics(metrics));

    @AfterEach
    void stop() {
        server.close();
    }

    private double gauge(String name, String kind) {
        var search = registry.get(name);
        return (kind == null ? search : search.tag("kind", kind)).gauge().value();
    }

    @Test
    void holdsResumesAndWhatTheHistoriesAndInboxesKeepAreMeasured() {
        metrics.watch(server.hub());
        Peer alice = server.connect("alice");
        alice.next("welcome");
        Peer bob = server.connect("bob");
        String token = bob.next("welcome").get("resume").asText();
        alice.joinRoom("lobby");
        bob.joinRoom("lobby");
        alice.send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"one\",\"ref\":\"r1\"}");
        alice.send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"one\",\"ref\":\"r1\"}");
        server.network().connection("bob").cut();
        alice.send("{\"type\":\"private_message\",\"to\":\"bob\",\"content\":\"psst\"}");

        assertThat(gauge(DeliveryMeters.HELD, null)).isEqualTo(1);
        assertThat(gauge(DeliveryMeters.HISTORY_MESSAGES, "room")).isEqualTo(1);
        assertThat(gauge(DeliveryMeters.HISTORY_MESSAGES, "inbox")).isEqualTo(1);
        assertThat(gauge(DeliveryMeters.HISTORY_BYTES, "room")).isPositive();
        assertThat(gauge(DeliveryMeters.HISTORY_BYTES, "inbox")).isPositive();
        assertThat(gauge(DeliveryMeters.REFS, null)).isEqualTo(1);
        assertThat(registry.get(DeliveryMeters.DUPLICATES).functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(DeliveryMeters.HOLDS).counter().count()).isEqualTo(1);

        new Peer(server.transport().connect(Handshake.builder().path("/ws").queryParameter("resume", token).build()))
                .next("welcome");
        assertThat(gauge(DeliveryMeters.HELD, null)).isZero();
        assertThat(registry.get(DeliveryMeters.RESUMES).tag("outcome", "resumed").counter().count()).isEqualTo(1);

        server.network().connection("bob").cut();
        server.advance(Duration.ofSeconds(61));
        assertThat(registry.get(DeliveryMeters.EXPIRED).functionCounter().count()).isEqualTo(1);
        assertThat(gauge(DeliveryMeters.HISTORY_MESSAGES, "inbox")).isZero();
    }
}
