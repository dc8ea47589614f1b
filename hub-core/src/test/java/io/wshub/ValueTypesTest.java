package io.wshub;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small public value types validate what they are given and say exactly what was wrong. */
class ValueTypesTest {

    @Test
    void closeStatusChecksItsCodeAndReason() {
        assertThatThrownBy(() -> new CloseStatus(999, "")).hasMessage("close code must be 1000-4999, was 999");
        assertThatThrownBy(() -> new CloseStatus(1000, "é".repeat(62)))
                .hasMessage("close reason must be at most 123 UTF-8 bytes, was 124");
        assertThat(new CloseStatus(1000, "x".repeat(123)).reason()).hasSize(123);
    }

    @Test
    void onlySendableCodesMayBeSent() {
        assertThat(new CloseStatus(1006, "").isSendable()).isFalse();
        assertThat(new CloseStatus(1005, "").isSendable()).isFalse();
        assertThat(new CloseStatus(1015, "").isSendable()).isFalse();
        assertThat(new CloseStatus(2000, "").isSendable()).isFalse();
        assertThat(new CloseStatus(4000, "").isSendable()).isTrue();
        assertThat(CloseStatus.SLOW_CONSUMER.isSendable()).isTrue();
        assertThatThrownBy(() -> CloseStatus.ABNORMAL.requireSendable())
                .hasMessage("close code 1006 may not be sent in a close frame");
    }

    @Test
    void aFrameEncodesTextOnceAndHandsOutIndependentViews() {
        Message frame = Message.text("héllo");
        assertThat(frame.size()).isEqualTo(6);
        ByteBuffer a = frame.payload();
        ByteBuffer b = frame.payload();
        a.get(new byte[a.remaining()]); // a transport consuming its view
        assertThat(b.remaining()).isEqualTo(6);
        assertThat(frame.payload().isReadOnly()).isTrue();
        assertThat(StandardCharsets.UTF_8.decode(frame.payload()).toString()).isEqualTo("héllo");
    }

    @Test
    void aUtf8FrameDecodesItsTextOnDemand() {
        assertThat(Message.utf8("{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8)).text()).isEqualTo("{\"a\":\"ü\"}");
    }

    @Test
    void aBinaryFrameCopiesABufferAndHasNoText() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {1, 2, 3});
        Message frame = Message.binary(source);
        source.put(0, (byte) 9);
        assertThat(frame.payload().get(0)).isEqualTo((byte) 1);
        assertThat(source.position()).isZero();
        assertThat(frame.isText()).isFalse();
        assertThatThrownBy(frame::text).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hubOptionsNameTheFieldAndValueThatIsWrong() {
        assertThatThrownBy(() -> HubOptions.builder().maxQueuedMessages(0).build())
                .hasMessage("maxQueuedMessages must be > 0, was 0");
        assertThatThrownBy(() -> HubOptions.builder().writeTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("writeTimeout must be positive, was PT-1S");
        assertThatThrownBy(() -> HubOptions.builder().pingInterval(Duration.ofSeconds(60)).pongTimeout(Duration.ofSeconds(60)).build())
                .hasMessage("pongTimeout (PT1M) must be longer than pingInterval (PT1M)");
        assertThatThrownBy(() -> HubOptions.builder().overflowPolicy(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("overflowPolicy");
    }

    @Test
    void theDefaultsAreThoseOfTheDesign() {
        HubOptions o = HubOptions.defaults();
        assertThat(o.maxMessageBytes()).isEqualTo(512 * 1024);
        assertThat(o.maxQueuedMessages()).isEqualTo(256);
        assertThat(o.maxQueuedBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(o.writeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.pingInterval()).isEqualTo(Duration.ofSeconds(54));
        assertThat(o.pongTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.maxConnections()).isEqualTo(10_000);
        assertThat(o.rateLimit()).isEqualTo(RateLimit.of(100, 200));
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }

    @Test
    void aRateLimitIsValidated() {
        assertThatThrownBy(() -> RateLimit.of(0, 10)).hasMessage("rateLimit.messagesPerSecond must be > 0, was 0.0");
        assertThatThrownBy(() -> RateLimit.of(10, 0)).hasMessage("rateLimit.burst must be >= 1, was 0");
        assertThat(RateLimit.DEFAULT.floodThreshold()).isEqualTo(400);
        assertThat(RateLimit.UNLIMITED.isUnlimited()).isTrue();
    }

    @Test
    void handshakeHeadersIgnoreCase() {
        Handshake h = Handshake.builder().header("Origin", "http://a").header("X-Many", "1").header("x-many", "2")
                .queryParameter("id", "alice").cookie("c", "v").build();
        assertThat(h.header("origin")).contains("http://a");
        assertThat(h.headers().get("X-MANY")).containsExactly("1", "2");
        assertThat(h.toBuilder().build().queryParameters()).isEqualTo(h.queryParameters());
        assertThat(h.cookies()).containsEntry("c", "v");
    }
}
