package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageStampTest {

    private static MessageStamp decode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return MessageStamp.decode(bytes, bytes.length);
    }

    @Test
    void aStampSurvivesTheTripThroughText() {
        MessageStamp stamp = new MessageStamp(123_456_789L, -42L, true);

        assertThat(decode(stamp.encode(64))).isEqualTo(stamp);
    }

    @Test
    void aWarmUpStampKeepsItsFlag() {
        MessageStamp stamp = new MessageStamp(0, Long.MAX_VALUE, false);

        assertThat(decode(stamp.encode(MessageStamp.LENGTH))).isEqualTo(stamp);
    }

    @Test
    void anEncodedMessageHasExactlyTheAskedSizeInUtf8Bytes() {
        String message = new MessageStamp(7, 8, true).encode(1000);

        assertThat(message.getBytes(StandardCharsets.UTF_8)).hasSize(1000);
    }

    @Test
    void aMessageTooSmallForAStampIsRefused() {
        assertThatThrownBy(() -> new MessageStamp(1, 1, true).encode(MessageStamp.LENGTH - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a stamped message needs at least 33 bytes, was 32");
    }

    @Test
    void foreignTextHasNoStamp() {
        assertThat(decode("{\"type\":\"welcome\"}")).isNull();
        assertThat(decode("z".repeat(40))).isNull();
        assertThat(decode("0".repeat(32) + "X")).isNull();
        assertThat(MessageStamp.decode(new byte[MessageStamp.LENGTH], MessageStamp.LENGTH - 1)).isNull();
    }
}
