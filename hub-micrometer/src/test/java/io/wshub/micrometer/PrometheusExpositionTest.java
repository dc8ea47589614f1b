package io.wshub.micrometer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wshub.spi.Broker;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters, as Prometheus shows them, have the names docs/operations.md gives. */
class PrometheusExpositionTest {

    static final List<String> NAMES = List.of(
            "wshub_sessions", "wshub_connections_total", "wshub_session_duration_seconds", "wshub_messages_total",
            "wshub_message_size_bytes", "wshub_handler_duration_seconds", "wshub_errors_total", "wshub_rooms",
            "wshub_room_members", "wshub_room_members_max", "wshub_queued_messages", "wshub_queued_bytes",
            "wshub_queue_oldest_age_seconds", "wshub_dropped_total", "wshub_slow_consumer_disconnects_total",
            "wshub_rate_limited_total", "wshub_broker_up", "wshub_broker_publish_total", "wshub_broker_canary_seconds",
            "wshub_queued_budget_bytes", "wshub_overloaded", "wshub_sessions_behind", "wshub_overloads_total",
            "wshub_conflated_total",
            "wshub_session_holds_total", "wshub_session_resumes_total", "wshub_held_sessions", "wshub_held_expired_total",
            "wshub_history_messages", "wshub_history_bytes", "wshub_remembered_refs", "wshub_duplicates_total",
            "wshub_broker_breaker_state", "wshub_broker_breaker_calls_total");

    @Test
    void everyMeterHasItsDocumentedPrometheusName() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HubMetrics metrics = HubMetrics.builder(registry).path("/ws").build();
        try (HubFixture server = HubFixture.with(b -> b.metrics(metrics))) {
            metrics.watch(server.hub());
            metrics.brokerBreakerState("redis", Broker.BreakerState.CLOSED); // a Redis broker reports it when it starts
            List<String> samples = registry.scrape().lines().filter(l -> !l.startsWith("#")).toList();

            for (String name : NAMES) {
                assertThat(samples).as(name).anySatisfy(line -> assertThat(line).matches(
                        name + "(_bucket|_count|_sum|_max)?\\{.*path=\"/ws\".*} .*"));
            }
            assertThat(samples).as("nothing but the documented names").allSatisfy(line ->
                    assertThat(NAMES).anySatisfy(name -> assertThat(line).startsWith(name)));
        }
    }

    @Test
    void theBreakersStateIsOneForItsStateAndItsCallsAreCountedByOutcome() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HubMetrics metrics = HubMetrics.builder(registry).path("/ws").build();

        metrics.brokerBreakerState("redis", Broker.BreakerState.OPEN);
        metrics.brokerBreakerCall("redis", Broker.BreakerCall.SLOW_FAILED);
        metrics.brokerBreakerCall("redis", Broker.BreakerCall.NOT_PERMITTED);
        metrics.brokerBreakerCall("redis", Broker.BreakerCall.NOT_PERMITTED);

        String text = registry.scrape();
        assertThat(text).contains("wshub_broker_breaker_state{breaker=\"redis\",path=\"/ws\",state=\"open\"} 1.0")
                .contains("wshub_broker_breaker_state{breaker=\"redis\",path=\"/ws\",state=\"closed\"} 0.0")
                .contains("wshub_broker_breaker_state{breaker=\"redis\",path=\"/ws\",state=\"half_open\"} 0.0")
                .contains("wshub_broker_breaker_calls_total{breaker=\"redis\",outcome=\"not_permitted\",path=\"/ws\"} 2.0")
                .contains("wshub_broker_breaker_calls_total{breaker=\"redis\",outcome=\"slow_failed\",path=\"/ws\"} 1.0");
    }
}
