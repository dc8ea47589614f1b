package io.wshub.redis;

import io.wshub.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusCodecTest {

    @Test
    void aBroadcastKeepsItsTextFrameByteForByteAndItsSender() {
        String text = "{\"type\":\"broadcast\",\"content\":\"naïve ☕ 𝄞\"}";

        BusMessage.Broadcast m = (BusMessage.Broadcast) roundTrip(new BusMessage.Broadcast("n1", "alice", Message.text(text)));

        assertThat(m.node()).isEqualTo("n1");
        assertThat(m.except()).isEqualTo("alice");
        assertThat(m.frame().isText()).isTrue();
        assertThat(bytes(m.frame())).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRoomMessageKeepsItsBinaryFrameAndHasNoExceptionWhenSentByNoSession() {
        byte[] data = {0, (byte) 0xff, 1, 2, 'B', 'R'};

        BusMessage.RoomMessage m = (BusMessage.RoomMessage) roundTrip(
                new BusMessage.RoomMessage("n1", "lobby:1", null, Message.binary(data)));

        assertThat(m.room()).isEqualTo("lobby:1");
        assertThat(m.except()).isNull();
        assertThat(m.frame().isText()).isFalse();
        assertThat(bytes(m.frame())).isEqualTo(data);
    }

    @Test
    void aPrivateMessageMayBeEmpty() {
        BusMessage.PrivateMessage m = (BusMessage.PrivateMessage) roundTrip(
                new BusMessage.PrivateMessage("n1", "bob", Message.binary(new byte[0])));

        assertThat(m.target()).isEqualTo("bob");
        assertThat(m.frame().size()).isZero();
    }

    @Test
    void aTraceContextCrossesWithTheFrameAndAMessageWithoutOneIsTheFormatNodesBeforeItRead() {
        Map<String, String> trace = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        byte[] data = {7, 8};

        BusMessage.RoomMessage traced = (BusMessage.RoomMessage) roundTrip(
                new BusMessage.RoomMessage("n1", "lobby", "alice", Message.text("{}"), trace));
        BusMessage.Broadcast broadcast = (BusMessage.Broadcast) roundTrip(
                new BusMessage.Broadcast("n1", null, Message.binary(data), trace));
        BusMessage.PrivateMessage untraced = (BusMessage.PrivateMessage) roundTrip(
                new BusMessage.PrivateMessage("n1", "bob", Message.text("{}")));

        assertThat(traced.trace()).isEqualTo(trace);
        assertThat(bytes(traced.frame())).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(broadcast.trace()).isEqualTo(trace);
        assertThat(broadcast.frame().isText()).isFalse();
        assertThat(bytes(broadcast.frame())).isEqualTo(data);
        assertThat(untraced.trace()).isNull();
        // format 1 as it was: format, kind, node, target, then the text flag and the payload
        assertThat(BusCodec.encode(new BusMessage.PrivateMessage("n", "b", Message.text("x"))))
                .containsExactly(1, 'P', 0, 0, 0, 1, 'n', 0, 0, 0, 1, 'b', 1, 'x');
    }

    @Test
    void membershipRegisteredAndByeCarryStampsAndOps() {
        List<MembershipOp> ops = List.of(MembershipOp.addSession("a"), MembershipOp.join("a", "room with spaces"),
                MembershipOp.leave("a", "r"), MembershipOp.removeSession("a"));

        assertThat(roundTrip(new BusMessage.Membership("n1", new Stamp(7, 42), ops)))
                .isEqualTo(new BusMessage.Membership("n1", new Stamp(7, 42), ops));
        assertThat(roundTrip(new BusMessage.Registered("n1", new Stamp(7, 43))))
                .isEqualTo(new BusMessage.Registered("n1", new Stamp(7, 43)));
        assertThat(roundTrip(new BusMessage.Bye("n1", 7))).isEqualTo(new BusMessage.Bye("n1", 7));
    }

    @Test
    void aCanaryCarriesItsSendTime() {
        assertThat(roundTrip(new BusMessage.Canary("n1", -123456789L))).isEqualTo(new BusMessage.Canary("n1", -123456789L));
    }

    @Test
    void theSenderIsReadWithoutDecodingTheRest() {
        byte[] encoded = BusCodec.encode(new BusMessage.Broadcast("node-7", null, Message.text("x")));

        assertThat(BusCodec.origin(encoded)).isEqualTo("node-7");
    }

    @Test
    void aSequencedMessageIsItsHeadTheEpochAndSeqTheScriptWritesAndItsTail() {
        Message frame = Message.text("{\"type\":\"room_message\",\"room\":\"r\"}");
        byte[] encoded = BusCodec.encode(new BusMessage.Sequenced("n1", "r", "e.1", 42, "alice", frame, Map.of("traceparent", "t")));
        byte[] head = BusCodec.sequencedHead("n1", "r");
        byte[] tail = BusCodec.sequencedTail("alice", frame, Map.of("traceparent", "t"));
        byte[] scripted = concat(head, luaString("e.1"), luaString("42"), tail); // what append.lua publishes

        assertThat(scripted).isEqualTo(encoded);
        BusMessage.Sequenced m = (BusMessage.Sequenced) BusCodec.decode(scripted);
        assertThat(m.epoch()).isEqualTo("e.1");
        assertThat(m.seq()).isEqualTo(42);
        assertThat(m.except()).isEqualTo("alice");
        assertThat(m.trace()).containsEntry("traceparent", "t");
        assertThat(BusCodec.isSequenced(scripted)).isTrue();
    }

    @Test
    void aSequencedMessageWithASeqThatIsNotAPositiveNumberIsRefused() {
        for (String seq : List.of("", "0", "-1", "1e3", "9999999999999999999")) {
            byte[] bad = concat(BusCodec.sequencedHead("n1", "r"), luaString("e"), luaString(seq),
                    BusCodec.sequencedTail(null, Message.text("{}"), null));
            assertThatThrownBy(() -> BusCodec.decode(bad)).as("seq '%s'", seq)
                    .isInstanceOf(BusCodec.MalformedMessageException.class);
        }
    }

    @Test
    void aPrivateMessageForTheInboxIsToldApartFromAPlainOne() {
        BusMessage.PrivateMessage m = (BusMessage.PrivateMessage) roundTrip(
                new BusMessage.PrivateMessage("n1", "bob", Message.text("{}"), null, true));

        assertThat(m.positioned()).isTrue();
        assertThat(((BusMessage.PrivateMessage) roundTrip(new BusMessage.PrivateMessage("n1", "bob", Message.text("{}"))))
                .positioned()).isFalse();
    }

    @Test
    void aMovedMessageIsItsHeadAndTheSessionIdTheScriptWrites() {
        byte[] scripted = concat(BusCodec.movedHead("n2"), luaString("alice")); // what takeover.lua publishes

        assertThat(BusCodec.decode(scripted)).isEqualTo(new BusMessage.Moved("n2", "alice"));
    }

    /** A string as the scripts' busString writes it: a 4-byte big-endian length, then the bytes. */
    private static byte[] luaString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void everyTruncationOfAMessageIsRefusedAsMalformed() {
        byte[] encoded = BusCodec.encode(new BusMessage.Membership("n1", new Stamp(1, 2), List.of(MembershipOp.join("a", "r"))));

        for (int length = 0; length < encoded.length; length++) {
            byte[] cut = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> BusCodec.decode(cut)).as("cut to %d bytes", length)
                    .isInstanceOf(BusCodec.MalformedMessageException.class);
        }
    }

    @Test
    void anotherFormatAnUnknownKindAHugeLengthOrTrailingBytesAreRefused() {
        byte[] good = BusCodec.encode(new BusMessage.Bye("n1", 1));

        byte[] otherFormat = good.clone();
        otherFormat[0] = 99;
        byte[] unknownKind = good.clone();
        unknownKind[1] = 'Z';
        byte[] hugeLength = good.clone();
        hugeLength[2] = 0x7f;
        byte[] trailing = Arrays.copyOf(good, good.length + 1);

        assertThatThrownBy(() -> BusCodec.decode(otherFormat)).hasMessageContaining("unknown format 99");
        assertThatThrownBy(() -> BusCodec.decode(unknownKind)).hasMessageContaining("unknown message kind");
        assertThatThrownBy(() -> BusCodec.decode(hugeLength)).hasMessageContaining("length");
        assertThatThrownBy(() -> BusCodec.decode(trailing)).hasMessageContaining("1 bytes after the end");
    }

    @Test
    void aMembershipWithAnUnknownOpIsRefused() {
        byte[] good = BusCodec.encode(new BusMessage.Membership("n", new Stamp(1, 1), List.of(MembershipOp.addSession("a"))));
        String asLatin1 = new String(good, StandardCharsets.ISO_8859_1).replace("+s", "?s");

        assertThatThrownBy(() -> BusCodec.decode(asLatin1.getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(BusCodec.MalformedMessageException.class).hasMessageContaining("unknown membership op '?s'");
    }

    private static BusMessage roundTrip(BusMessage m) {
        return BusCodec.decode(BusCodec.encode(m));
    }

    private static byte[] bytes(Message f) {
        byte[] out = new byte[f.size()];
        f.payload().get(out);
        return out;
    }
}
