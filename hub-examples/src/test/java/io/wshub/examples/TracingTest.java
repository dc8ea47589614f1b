package io.wshub.examples;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.wshub.jetty.TestClient;
import io.wshub.opentelemetry.HubTracing;
import io.wshub.redis.RedisServer;
import io.wshub.spi.Tracing;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code tracing} turns OpenTelemetry on; a room message's trace runs from one node through Redis to the other. */
class TracingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("wshub.message.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    @Test
    void aRoomMessageHandledOnNodeAAndDeliveredOnNodeBThroughRedisIsOneTrace() throws Exception {
        InMemorySpanExporter spansOfA = InMemorySpanExporter.create();
        InMemorySpanExporter spansOfB = InMemorySpanExporter.create();
        try (RedisServer redis = RedisServer.start();
             ServerFixture a = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()), tracing(spansOfA));
             ServerFixture b = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.REDIS, redis.uri()), tracing(spansOfB))) {
            await().atMost(WAIT).until(() -> isUp(a) && isUp(b)); // both subscribed to the bus
            TestClient alice = a.connect("/ws?id=alice");
            alice.nextText(); // welcome
            TestClient bob = b.connect("/ws?id=bob");
            bob.nextText(); // welcome
            bob.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
            await().atMost(WAIT).until(() -> bob.nextText().contains("room_joined"));
            alice.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
            await().atMost(WAIT).until(() -> alice.nextText().contains("room_joined"));

            alice.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}");
            await().atMost(WAIT).until(() -> bob.nextText().contains("\"content\":\"hi\""));

            SpanData handled = await().atMost(WAIT).until(() -> spans(spansOfA)
                    .filter(s -> s.getName().equals("process /ws") && "room_message".equals(s.getAttributes().get(MESSAGE_TYPE)))
                    .findFirst(), Optional::isPresent).get();
            // B delivered alice's join announcement too, in the trace of her join_room: take this message's
            SpanData delivered = await().atMost(WAIT).until(() -> spans(spansOfB)
                    .filter(s -> s.getName().equals("deliver room") && s.getTraceId().equals(handled.getTraceId()))
                    .findFirst(), Optional::isPresent).get();
            SpanData received = spans(spansOfB).filter(s -> s.getSpanId().equals(delivered.getParentSpanId())).findFirst().orElseThrow();
            SpanData sent = spans(spansOfA).filter(s -> s.getSpanId().equals(received.getParentSpanId())).findFirst().orElseThrow();
            assertThat(received.getName()).isEqualTo("process room");
            assertThat(received.getAttributes().get(DESTINATION)).isEqualTo("lobby");
            assertThat(sent.getName()).isEqualTo("send room");
            assertThat(sent.getParentSpanId()).isEqualTo(handled.getSpanId());
        }
    }

    @Test
    void tracingIsOffUnlessTurnedOnAndThenTheSdkIsConfiguredByTheOtelVariables() {
        assertThat(ServerTracing.of(Settings.defaults(), ExampleServer.ROOM).forHub()).isSameAs(Tracing.NONE);
        assertThat(SettingsLoader.load(null, Map.of("WSHUB_TRACING", "true"), Map.of()).tracing()).isTrue();

        System.setProperty("otel.traces.exporter", "logging"); // what OTEL_TRACES_EXPORTER=logging says
        try (ServerTracing on = ServerTracing.of(Settings.with(Map.of(Setting.TRACING, true)), ExampleServer.ROOM)) {
            assertThat(on.forHub()).isInstanceOf(HubTracing.class);
        } finally {
            System.clearProperty("otel.traces.exporter");
        }
    }

    /** The SDK as a server would build it, exporting to memory. */
    private static ServerTracing tracing(InMemorySpanExporter exporter) {
        return new ServerTracing(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build());
    }

    private static boolean isUp(ServerFixture server) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.http("/health")).timeout(WAIT).build();
        return "up".equals(ServerFixture.json(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body())
                .path("status").asText());
    }

    private static Stream<SpanData> spans(InMemorySpanExporter exporter) {
        return exporter.getFinishedSpanItems().stream();
    }
}
