package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MessageStampReaderTest {

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aStampInOneFrameIsRead() {
        MessageStampReader reader = new MessageStampReader();
        reader.start();
        reader.append(bytes(new MessageStamp(42, 7, true).encode(64)));

        assertThat(reader.stamp()).isEqualTo(new MessageStamp(42, 7, true));
    }

    @Test
    void aStampSplitOverSeveralPiecesIsPutBackTogether() {
        String message = new MessageStamp(99, 12345, false).encode(64);
        MessageStampReader reader = new MessageStampReader();
        reader.start();
        reader.append(bytes(message.substring(0, 2)));
        reader.append(bytes(message.substring(2, 20)));
        reader.append(bytes(message.substring(20)));

        assertThat(reader.stamp()).isEqualTo(new MessageStamp(99, 12345, false));
    }

    @Test
    void readingLeavesTheBuffersWhereTheyWere() {
        ByteBuffer piece = bytes(new MessageStamp(1, 2, true).encode(40));
        MessageStampReader reader = new MessageStampReader();
        reader.start();
        reader.append(piece);

        assertThat(piece.position()).isZero();
    }

    @Test
    void eachMessageStartsAfresh() {
        MessageStampReader reader = new MessageStampReader();
        reader.start();
        reader.append(bytes("not a stamp at all, but long enough to hold one"));
        reader.start();
        reader.append(bytes(new MessageStamp(3, 4, true).encode(33)));

        assertThat(reader.stamp()).isEqualTo(new MessageStamp(3, 4, true));
    }

    @Test
    void aMessageTooShortOrForeignHasNoStampAndIsShownEscaped() {
        MessageStampReader reader = new MessageStampReader();
        reader.start();
        reader.append(bytes("00"));
        assertThat(reader.stamp()).isNull();
        assertThat(reader.preview()).isEqualTo("2 bytes '00'");

        reader.start();
        reader.append(ByteBuffer.wrap(new byte[] {'{', 0x01, '}'}));
        reader.append(null);
        assertThat(reader.stamp()).isNull();
        assertThat(reader.preview()).isEqualTo("3 bytes '{\\x01}'");
    }

    @Test
    void aLongForeignMessageIsShownByItsBeginning() {
        MessageStampReader reader = new MessageStampReader();
        reader.start();
        reader.append(bytes("{\"type\":\"welcome\",\"content\":\"Connected to WebSocket server\"}"));

        assertThat(reader.preview()).isEqualTo("60 bytes '{\"type\":\"welcome\",\"content\":\"Connected to WebSoc...'");
    }
}
