package io.wshub.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.Handshake;
import io.wshub.OverflowPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What each listener event does to the meters. The events the hub does not call yet (refusals,
 * kinds, handler time, queue age, broker) are driven directly here; the example servers' scrape
 * test covers the others end to end.
 */
class HubMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final HubMetrics metrics = HubMetrics.builder(registry).path("/ws")
            .messageTypes(List.of("join_room", "room_message")).build();

    @Test
    void refusedUpgradesCountByAReasonFromAFixedSet() {
        Handshake h = Handshake.builder().path("/ws").build();
        metrics.upgradeRefused(h, 409, "Session id taken");
        metrics.upgradeRefused(h, 403, "Origin not allowed");
        metrics.upgradeRefused(h, 403, "token of user 4711 revoked");
        metrics.upgradeRefused(h, 503, "Too many connections");
        metrics.upgradeRefused(h, 503, "Server is shutting down");
        metrics.upgradeRefused(h, 503, "Not yet in the cluster");
        metrics.upgradeRefused(h, 418, "I'm a teapot");
        metrics.upgradeRefused(h, 429, "Too many sessions from this address");
        metrics.upgradeRefused(h, 429, "Too many upgrades from this address");
        metrics.upgradeRefused(h, 429, "Too many upgrades from this address");

        assertThat(connections("refused", "id_taken")).isEqualTo(1);
        assertThat(connections("refused", "origin")).isEqualTo(1);
        assertThat(connections("refused", "forbidden")).isEqualTo(1);
        assertThat(connections("refused", "full")).isEqualTo(1);
        assertThat(connections("refused", "shutting_down")).isEqualTo(1);
        assertThat(connections("refused", "unavailable")).isEqualTo(1);
        assertThat(connections("refused", "other")).isEqualTo(1);
        assertThat(connections("refused", "address_sessions")).isEqualTo(1);
        assertThat(connections("refused", "address_rate")).isEqualTo(2);
        assertThat(registry.find(ConnectionMeters.CONNECTIONS).meters()).extracting(m -> m.getId().getTag("reason"))
                .doesNotContain("token of user 4711 revoked", "I'm a teapot");
    }

    @Test
    void openedSessionsCountAsAcceptedAndClosedOnesRecordTheirDurationByReason() {
        metrics.sessionOpened(null);
        metrics.sessionClosed(null, CloseStatus.SLOW_CONSUMER, Duration.ofSeconds(3));
        metrics.sessionClosed(null, new CloseStatus(1000, "bye"), Duration.ofSeconds(1));
        metrics.sessionClosed(null, new CloseStatus(4001, "Token expired"), Duration.ofSeconds(2));

        assertThat(connections("accepted", "none")).isEqualTo(1);
        Timer slow = registry.get(ConnectionMeters.SESSION_DURATION).tag("reason", "slow_consumer").timer();
        assertThat(slow.count()).isEqualTo(1);
        assertThat(slow.totalTime(TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(registry.get(ConnectionMeters.SESSION_DURATION).tag("reason", "normal").timer().count()).isEqualTo(1);
        assertThat(registry.get(ConnectionMeters.SESSION_DURATION).tag("reason", "other").timer().count()).isEqualTo(1);
    }

    @Test
    void messagesCountByDirectionAndKindAndRecordTheirSizes() {
        metrics.messageReceived(null, false, 10);
        metrics.messageReceived(null, true, 100);
        metrics.messagesWritten(null, 2, 1, 300);

        assertThat(messages("in", "text")).isEqualTo(1);
        assertThat(messages("in", "binary")).isEqualTo(1);
        assertThat(messages("out", "text")).isEqualTo(2);
        assertThat(messages("out", "binary")).isEqualTo(1);
        var in = registry.get(MessageMeters.SIZE).tag("direction", "in").summary();
        var out = registry.get(MessageMeters.SIZE).tag("direction", "out").summary();
        assertThat(in.count()).isEqualTo(2);
        assertThat(in.totalAmount()).isEqualTo(110);
        assertThat(out.count()).isEqualTo(3);
        assertThat(out.totalAmount()).isEqualTo(300);
    }

    @Test
    void messagesWhoseKindTheHubDoesNotSayCountAsUnknown() {
        metrics.messageReceived(null, 10);
        metrics.messagesWritten(null, 4, 40);

        assertThat(messages("in", "unknown")).isEqualTo(1);
        assertThat(messages("out", "unknown")).isEqualTo(4);
        assertThat(registry.get(MessageMeters.SIZE).tag("direction", "out").summary().totalAmount()).isEqualTo(40);
    }

    @Test
    void handlerTimeCountsByKnownTypeAndEveryOtherTypeAsOther() {
        metrics.messageHandled(null, "join_room", 2_000_000);
        metrics.messageHandled(null, "made_up_by_a_client", 1_000);
        metrics.messageHandled(null, null, 1_000);

        Timer join = registry.get(MessageMeters.HANDLER_DURATION).tag("type", "join_room").timer();
        assertThat(join.count()).isEqualTo(1);
        assertThat(join.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2);
        assertThat(registry.get(MessageMeters.HANDLER_DURATION).tag("type", "other").timer().count()).isEqualTo(2);
        assertThat(registry.find(MessageMeters.HANDLER_DURATION).meters()).extracting(m -> m.getId().getTag("type"))
                .containsExactlyInAnyOrder("join_room", "room_message", "other");
    }

    @Test
    void dropsCountByPolicyAndSlowConsumersAndRateLimitedMessagesAreCounted() {
        metrics.messageDropped(null, OverflowPolicy.DROP_OLDEST);
        metrics.messageDropped(null, OverflowPolicy.DROP_OLDEST);
        metrics.messageDropped(null, OverflowPolicy.DROP_NEWEST);
        metrics.slowConsumerDisconnected(null, CloseStatus.WRITE_TIMEOUT);
        metrics.rateLimited(null);

        assertThat(registry.get(OutboundMeters.DROPPED).tag("policy", "drop_oldest").counter().count()).isEqualTo(2);
        assertThat(registry.get(OutboundMeters.DROPPED).tag("policy", "drop_newest").counter().count()).isEqualTo(1);
        assertThat(registry.get(OutboundMeters.SLOW_CONSUMERS).counter().count()).isEqualTo(1);
        assertThat(registry.get(MessageMeters.RATE_LIMITED).counter().count()).isEqualTo(1);
    }

    @Test
    void theOldestQueuedMessageAgeIsTheLastOneReported() {
        metrics.oldestQueuedMessageAge(3_000_000_000L);
        metrics.oldestQueuedMessageAge(1_500_000_000L);

        assertThat(registry.get(OutboundMeters.OLDEST_AGE).timeGauge().value(TimeUnit.SECONDS)).isEqualTo(1.5);
    }

    @Test
    void brokerPublishesCountByOutcomeAndTheCanaryRecordsItsRoundTrip() {
        metrics.brokerPublished(true);
        metrics.brokerPublished(true);
        metrics.brokerPublished(false);
        metrics.brokerCanaryAnswered(4_000_000);

        assertThat(registry.get(BrokerMeters.PUBLISHES).tag("outcome", "succeeded").counter().count()).isEqualTo(2);
        assertThat(registry.get(BrokerMeters.PUBLISHES).tag("outcome", "failed").counter().count()).isEqualTo(1);
        Timer canary = registry.get(BrokerMeters.CANARY).timer();
        assertThat(canary.count()).isEqualTo(1);
        assertThat(canary.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4);
    }

    @Test
    void errorsCountByKind() {
        metrics.error(ErrorKind.WRITE_TIMEOUT, null, "stuck");
        metrics.error(ErrorKind.BROKER, null, "down");

        assertThat(registry.get(HubMetrics.ERRORS).tag("kind", "write_timeout").counter().count()).isEqualTo(1);
        assertThat(registry.get(HubMetrics.ERRORS).tag("kind", "broker").counter().count()).isEqualTo(1);
        assertThat(registry.get(HubMetrics.ERRORS).tag("kind", "handler").counter().count()).isZero();
    }

    @Test
    void everyMeterCarriesThePathAndNoneIsPerSessionOrRoom() {
        metrics.sessionOpened(null);
        // le: the bucket bound of a distribution's buckets
        assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> {
            assertThat(m.getId().getTag("path")).isEqualTo("/ws");
            assertThat(m.getId().getTags()).extracting(t -> t.getKey())
                    .isSubsetOf("path", "outcome", "reason", "direction", "kind", "type", "policy", "le");
        });
    }

    @Test
    void aBindingNeedsThePathOfItsHub() {
        assertThatThrownBy(() -> HubMetrics.builder(registry).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("path");
    }

    private double connections(String outcome, String reason) {
        return registry.get(ConnectionMeters.CONNECTIONS).tag("outcome", outcome).tag("reason", reason).counter().count();
    }

    private double messages(String direction, String kind) {
        return registry.get(MessageMeters.MESSAGES).tag("direction", direction).tag("kind", kind).counter().count();
    }
}
