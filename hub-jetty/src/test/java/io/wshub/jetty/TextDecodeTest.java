package io.wshub.jetty;

import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a text message in one frame becomes a string: ASCII at once, the rest checked as UTF-8. */
class TextDecodeTest {

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"echo\",\"text\":\"hi\"}", "x", "größe", "€ 5", "emoji \uD83D\uDE00 end", "\u007F\u0080"})
    void validTextComesBackAsItWasWhereverTheBufferLives(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer heap = ByteBuffer.wrap(utf8);
        ByteBuffer direct = ByteBuffer.allocateDirect(utf8.length).put(utf8).flip();

        assertThat(JettyConnection.decode(heap)).isEqualTo(text);
        assertThat(JettyConnection.decode(direct)).isEqualTo(text);
        assertThat(heap.position()).isZero();
        assertThat(direct.position()).isZero();
    }

    @Test
    void onlyTheBuffersRemainingBytesAreDecoded() {
        ByteBuffer buffer = ByteBuffer.wrap("skip:kept".getBytes(StandardCharsets.US_ASCII));
        buffer.position(5);
        assertThat(JettyConnection.decode(buffer)).isEqualTo("kept");
        assertThat(buffer.position()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "c0af", "e282", "eda080", "f4908080", "41c3"})
    void bytesThatAreNotUtf8AreRefused(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThatThrownBy(() -> JettyConnection.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(BadPayloadException.InvalidUtf8.class);
    }
}
