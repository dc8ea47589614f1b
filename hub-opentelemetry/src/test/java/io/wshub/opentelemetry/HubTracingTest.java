package io.wshub.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.wshub.Handshake;
import io.wshub.HubOptions;
import io.wshub.InProcessBroker;
import io.wshub.OverflowPolicy;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import io.wshub.testing.UpgradeRefusedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    @Test
    void anUpgradeContinuesTheTraceItsTraceparentHeaderNames() {
        try (HubFixture server = tracedRooms(HubOptions.defaults(), new InProcessBroker())) {
            server.transport().connect(Handshake.builder().path("/ws").queryParameter("id", "alice")
                    .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
                    .header("User-Agent", "probe/1").build()).nextText(Peer.WAIT);

            SpanData upgrade = only("GET /ws");
            assertThat(upgrade.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(upgrade.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(upgrade.getParentSpanId()).isEqualTo(PARENT_ID);
            assertThat(attribute(upgrade, SpanNames.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(101L);
            assertThat(attribute(upgrade, SpanNames.MESSAGING_CLIENT_ID)).isEqualTo("alice");
            assertThat(attribute(upgrade, SpanNames.HTTP_ROUTE)).isEqualTo("/ws");
            assertThat(attribute(upgrade, SpanNames.USER_AGENT_ORIGINAL)).isEqualTo("probe/1");
        }
    }

    @Test
    void aRefusedUpgradeRecordsItsStatusAndOnlyAServerErrorFailsTheSpan() {
        try (HubFixture server = tracedRooms(HubOptions.builder().maxConnections(1).build(), new InProcessBroker())) {
            server.connect("alice");
            assertThatThrownBy(() -> server.transport().connect(Handshake.builder().path("/ws")
                    .queryParameter("id", "not valid!").build())).isInstanceOf(UpgradeRefusedException.class);
            assertThatThrownBy(() -> server.connect("bob")).isInstanceOf(UpgradeRefusedException.class);

            List<SpanData> upgrades = named("GET /ws");
            assertThat(upgrades).extracting(s -> attribute(s, SpanNames.HTTP_RESPONSE_STATUS_CODE))
                    .containsExactly(101L, 400L, 503L);
            assertThat(upgrades).extracting(s -> s.getStatus().getStatusCode())
                    .containsExactly(StatusCode.UNSET, StatusCode.UNSET, StatusCode.ERROR);
        }
    }

    @Test
    void aHandledMessageIsATraceOfItsOwnWithItsTypeSizeAndSessionAndItsFanOutIsItsChild() {
        try (HubFixture server = tracedRooms(HubOptions.defaults(), new InProcessBroker())) {
            Peer alice = server.connect("alice");
            Peer bob = server.connect("bob");
            alice.joinRoom("lobby");
            bob.joinRoom("lobby");
            exporter.reset();
            String text = "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}";

            alice.send(text);
            bob.next("room_message");

            SpanData message = only("process /ws");
            assertThat(message.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(message.getParentSpanContext().isValid()).isFalse();
            assertThat(attribute(message, SpanNames.MESSAGE_TYPE)).isEqualTo("room_message");
            assertThat(attribute(message, SpanNames.MESSAGING_MESSAGE_BODY_SIZE)).isEqualTo((long) text.length());
            assertThat(attribute(message, SpanNames.MESSAGING_CLIENT_ID)).isEqualTo("alice");
            assertThat(attribute(message, SpanNames.MESSAGING_OPERATION_TYPE)).isEqualTo("process");
            SpanData fanOut = only("deliver room");
            assertThat(fanOut.getParentSpanId()).isEqualTo(message.getSpanId());
            assertThat(attribute(fanOut, SpanNames.MESSAGING_DESTINATION_NAME)).isEqualTo("lobby");
            assertThat(attribute(fanOut, SpanNames.RECIPIENTS)).isEqualTo(1L);
        }
    }

    @Test
    void eachMessageTheOverflowPolicyDropsInAFanOutIsAnEventOfItsSpan() {
        HubOptions options = HubOptions.builder().maxQueuedMessages(1).overflowPolicy(OverflowPolicy.DROP_NEWEST).build();
        try (HubFixture server = tracedRooms(options, new InProcessBroker())) {
            Peer alice = server.connect("alice");
            Peer bob = server.connect("bob");
            alice.joinRoom("lobby");
            bob.joinRoom("lobby");
            bob.client().pauseReading();
            for (int i = 0; i < 3; i++) { // one in flight, one queued, one dropped
                alice.send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"m" + i + "\"}");
            }

            List<EventData> drops = named("deliver room").stream().flatMap(s -> s.getEvents().stream()).toList();
            assertThat(drops).hasSize(1);
            assertThat(drops.get(0).getName()).isEqualTo(SpanNames.DROPPED_EVENT);
            assertThat(drops.get(0).getAttributes().get(SpanNames.MESSAGING_CLIENT_ID)).isEqualTo("bob");
            assertThat(drops.get(0).getAttributes().get(SpanNames.OVERFLOW_POLICY)).isEqualTo("drop_newest");
        }
    }

    @Test
    void aRoomMessageSentOnOneNodeAndDeliveredOnAnotherIsOneTrace() {
        InProcessBroker.Cluster cluster = new InProcessBroker.Cluster();
        try (HubFixture a = tracedRooms(HubOptions.defaults(), cluster.newNode());
             HubFixture b = tracedRooms(HubOptions.defaults(), cluster.newNode())) {
            Peer alice = a.connect("alice");
            Peer bob = b.connect("bob");
            alice.joinRoom("lobby");
            bob.joinRoom("lobby");
            exporter.reset();

            alice.send("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}");
            bob.next("room_message");

            SpanData handled = only("process /ws");
            SpanData sent = only("send room");
            SpanData received = only("process room");
            List<SpanData> fanOuts = named("deliver room");
            assertThat(sent.getParentSpanId()).isEqualTo(handled.getSpanId());
            assertThat(sent.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(received.getParentSpanId()).isEqualTo(sent.getSpanId());
            assertThat(received.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(fanOuts).extracting(SpanData::getParentSpanId)
                    .containsExactlyInAnyOrder(handled.getSpanId(), received.getSpanId());
            assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getTraceId).containsOnly(handled.getTraceId());
        }
    }

    private HubFixture tracedRooms(HubOptions options, InProcessBroker broker) {
        return HubFixture.with(h -> h.handler(RoomProtocol.router().build()).options(options).broker(broker)
                .tracing(HubTracing.create(otel)));
    }

    private List<SpanData> named(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private SpanData only(String name) {
        List<SpanData> spans = named(name);
        assertThat(spans).as("spans named " + name + " in " + exporter.getFinishedSpanItems()).hasSize(1);
        return spans.get(0);
    }

    private static <T> T attribute(SpanData span, AttributeKey<T> key) {
        return span.getAttributes().get(key);
    }
}
