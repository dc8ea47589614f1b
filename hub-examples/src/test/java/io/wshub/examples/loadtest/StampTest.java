package io.wshub.examples.loadtest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StampTest {

    private static Stamp decode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return Stamp.decode(bytes, bytes.length);
    }

    @Test
    void aStampSurvivesTheTripThroughText() {
        Stamp stamp = new Stamp(123_456_789L, -42L, true);

        assertThat(decode(stamp.encode(64))).isEqualTo(stamp);
    }

    @Test
    void aWarmUpStampKeepsItsFlag() {
        Stamp stamp = new Stamp(0, Long.MAX_VALUE, false);

        assertThat(decode(stamp.encode(Stamp.LENGTH))).isEqualTo(stamp);
    }

    @Test
    void anEncodedMessageHasExactlyTheAskedSizeInUtf8Bytes() {
        String message = new Stamp(7, 8, true).encode(1000);

        assertThat(message.getBytes(StandardCharsets.UTF_8)).hasSize(1000);
    }

    @Test
    void aMessageTooSmallForAStampIsRefused() {
        assertThatThrownBy(() -> new Stamp(1, 1, true).encode(Stamp.LENGTH - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a stamped message needs at least 33 bytes, was 32");
    }

    @Test
    void foreignTextHasNoStamp() {
        assertThat(decode("{\"type\":\"welcome\"}")).isNull();
        assertThat(decode("z".repeat(40))).isNull();
        assertThat(decode("0".repeat(32) + "X")).isNull();
        assertThat(Stamp.decode(new byte[Stamp.LENGTH], Stamp.LENGTH - 1)).isNull();
    }
}
