package io.wshub.examples.loadtest;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StampReaderTest {

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aStampInOneFrameIsRead() {
        StampReader reader = new StampReader();
        reader.start();
        reader.append(bytes(new Stamp(42, 7, true).encode(64)));

        assertThat(reader.stamp()).isEqualTo(new Stamp(42, 7, true));
    }

    @Test
    void aStampSplitOverSeveralPiecesIsPutBackTogether() {
        String message = new Stamp(99, 12345, false).encode(64);
        StampReader reader = new StampReader();
        reader.start();
        reader.append(bytes(message.substring(0, 2)));
        reader.append(bytes(message.substring(2, 20)));
        reader.append(bytes(message.substring(20)));

        assertThat(reader.stamp()).isEqualTo(new Stamp(99, 12345, false));
    }

    @Test
    void readingLeavesTheBuffersWhereTheyWere() {
        ByteBuffer piece = bytes(new Stamp(1, 2, true).encode(40));
        StampReader reader = new StampReader();
        reader.start();
        reader.append(piece);

        assertThat(piece.position()).isZero();
    }

    @Test
    void eachMessageStartsAfresh() {
        StampReader reader = new StampReader();
        reader.start();
        reader.append(bytes("not a stamp at all, but long enough to hold one"));
        reader.start();
        reader.append(bytes(new Stamp(3, 4, true).encode(33)));

        assertThat(reader.stamp()).isEqualTo(new Stamp(3, 4, true));
    }

    @Test
    void aMessageTooShortOrForeignHasNoStampAndIsShownEscaped() {
        StampReader reader = new StampReader();
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
        StampReader reader = new StampReader();
        reader.start();
        reader.append(bytes("{\"type\":\"welcome\",\"content\":\"Connected to WebSocket server\"}"));

        assertThat(reader.preview()).isEqualTo("60 bytes '{\"type\":\"welcome\",\"content\":\"Connected to WebSoc...'");
    }
}
