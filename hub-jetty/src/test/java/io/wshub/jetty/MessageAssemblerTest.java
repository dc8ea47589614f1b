package io.wshub.jetty;

import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.LongPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageAssemblerTest {

    private static LongPredicate upTo(long limit) {
        return bytes -> bytes <= limit;
    }

    private static ByteBuffer bytes(int... values) {
        return ByteBuffer.wrap(RawPeer.bytes(values));
    }

    @Test
    void aMessageIsInProgressFromItsStartUntilItIsTakenOrRefused() {
        MessageAssembler m = new MessageAssembler(upTo(4));
        assertThat(m.inProgress()).isFalse();
        m.start(false, bytes(1));
        assertThat(m.inProgress()).isTrue();
        m.takeBinary();
        assertThat(m.inProgress()).isFalse();
        m.start(true, bytes('a'));
        assertThatThrownBy(() -> m.append(bytes('b', 'c', 'd', 'e'))).isInstanceOf(MessageTooLargeException.class);
        assertThat(m.inProgress()).isFalse();
    }

    @Test
    void binaryFragmentsAreJoinedPastTheFirstBuffersCapacity() {
        MessageAssembler m = new MessageAssembler(upTo(10_000));
        m.start(false, bytes(1, 2));
        ByteBuffer large = ByteBuffer.allocate(1_000);
        m.append(large);
        m.append(bytes(3));

        ByteBuffer whole = m.takeBinary();
        assertThat(whole.remaining()).isEqualTo(1_003);
        assertThat(whole.get(0)).isEqualTo((byte) 1);
        assertThat(whole.get(1_002)).isEqualTo((byte) 3);
    }

    @Test
    void aCharacterSplitBetweenFragmentsIsDecoded() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        MessageAssembler m = new MessageAssembler(upTo(100));
        m.start(true, ByteBuffer.wrap(euro, 0, 1));
        m.append(ByteBuffer.wrap(euro, 1, 2));
        assertThat(m.isText()).isTrue();
        assertThat(m.takeText()).isEqualTo("€");
    }

    @Test
    void textThatIsNotUtf8IsRefusedWith1007() {
        MessageAssembler m = new MessageAssembler(upTo(100));
        m.start(true, bytes('o', 'k'));
        m.append(bytes(0xC3)); // a lead byte with nothing after it
        assertThatThrownBy(m::takeText).isInstanceOf(BadPayloadException.class)
                .satisfies(e -> assertThat(((BadPayloadException) e).getStatusCode()).isEqualTo(1007));
    }

    @Test
    void bytesThatCanNeverBeUtf8AreRefusedAsTheyArrive() {
        MessageAssembler m = new MessageAssembler(upTo(100));
        m.start(true, bytes('o', 'k'));
        assertThatThrownBy(() -> m.append(bytes(0xFF))).isInstanceOf(BadPayloadException.class);
    }

    @Test
    void aMessageGrowingPastTheLimitIsRefusedWith1009() {
        MessageAssembler m = new MessageAssembler(upTo(4));
        m.start(false, bytes(1, 2, 3));
        assertThatThrownBy(() -> m.append(bytes(4, 5))).isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("5 bytes")
                .satisfies(e -> assertThat(((MessageTooLargeException) e).getStatusCode()).isEqualTo(1009));
    }

    @Test
    void exactlyTheLimitIsAccepted() {
        MessageAssembler m = new MessageAssembler(upTo(4));
        m.start(false, bytes(1, 2));
        m.append(bytes(3, 4));
        assertThat(m.takeBinary().remaining()).isEqualTo(4);
    }
}
