package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RoomProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.stream.Stream;

import static io.wshub.jetty.RawPeer.bytes;
import static io.wshub.jetty.RawPeer.utf8;
import static io.wshub.jetty.TestClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a peer that breaks RFC 6455 gets from a hub mounted in Jetty: the close code the RFC asks
 * for, sent by the server, never a silent drop or a stuck connection. Frames are written by hand
 * on a plain socket, because WebSocket libraries will not send them.
 */
class Rfc6455ComplianceTest {

    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        // Without hub-wide presence: the sessions of the other tests must not show up in these frames.
        Hub chat = Hub.builder().handler(RoomProtocol.router(false).build()).build();
        Hub echo = Hub.builder().handler(new RawEchoHandler()).build();
        server = TestServer.start(s -> WshubHandler.builder(s).mount("/ws", chat).mount("/echo", echo).build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private interface Violation {
        void commit(RawPeer peer) throws IOException;
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("an unmasked frame", 1002, (Violation) p -> p.send(FIN | TEXT, utf8("{\"type\":\"ping\"}"), false)),
                Arguments.of("a reserved opcode", 1002, (Violation) p -> p.send(3, utf8("x"))),
                Arguments.of("RSV1 without an extension", 1002, (Violation) p -> p.send(FIN | 0x40 | TEXT, utf8("{}"), true)),
                Arguments.of("a ping of 126 bytes", 1002, (Violation) p -> p.send(PING, new byte[126])),
                Arguments.of("a fragmented ping", 1002, (Violation) p -> p.send(PING, utf8("x"), true)),
                Arguments.of("a continuation with nothing to continue", 1002, (Violation) p -> p.send(CONTINUATION, utf8("x"))),
                Arguments.of("a new message inside a fragmented one", 1002,
                        (Violation) p -> p.send(TEXT, utf8("{\"ty"), true).send(TEXT, utf8("x"))),
                Arguments.of("close code 999", 1002, (Violation) p -> p.send(CLOSE, bytes(0x03, 0xE7))),
                Arguments.of("close code 1005 on the wire", 1002, (Violation) p -> p.send(CLOSE, bytes(0x03, 0xED))),
                Arguments.of("a close payload of one byte", 1002, (Violation) p -> p.send(CLOSE, bytes(0x03))),
                Arguments.of("a close reason that is not UTF-8", 1007, (Violation) p -> p.send(CLOSE, bytes(0x03, 0xE8, 0xFF, 0xFE))),
                Arguments.of("text that is not UTF-8", 1007, (Violation) p -> p.send(TEXT, bytes('{', '"', 0xC3, 0x28, '"', '}'))),
                Arguments.of("text split into fragments, not UTF-8", 1007,
                        (Violation) p -> p.send(TEXT, bytes('{', '"'), true).send(FIN | CONTINUATION, bytes(0xFF, '"', '}'), true)));
    }

    @ParameterizedTest(name = "{0} closes with {1}")
    @MethodSource("violations")
    void aViolationIsAnsweredWithTheCodeTheRfcAsksFor(String what, int code, Violation violation) throws Exception {
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            violation.commit(peer);
            assertThat(peer.readUntilClose().code()).as(what).isEqualTo(code);
        }
    }

    @Test
    void aCloseIsEchoedWithItsCodeAndAnEmptyCloseWithAnEmptyOne() throws Exception {
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            peer.send(CLOSE, bytes(0x03, 0xE8, 'b', 'y', 'e'));
            RawPeer.Ending ending = peer.readUntilClose();
            assertThat(ending.code()).isEqualTo(1000);
            assertThat(ending.reason()).isEqualTo("bye");
        }
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            peer.send(CLOSE, new byte[0]);
            RawPeer.Ending ending = peer.readUntilClose();
            assertThat(ending.frames()).last().satisfies(f -> {
                assertThat(f.opCode()).isEqualTo(CLOSE);
                assertThat(f.payload()).isEmpty();
            });
        }
    }

    @Test
    void aPingIsAnsweredWithItsPayloadAndMessagesGoOnInOrder() throws Exception {
        try (RawPeer peer = RawPeer.connect(server.port(), "/ws", TIMEOUT)) {
            peer.send(PING, utf8("hello"))
                    .send(TEXT, utf8("{\"ty"), true).send(PONG, utf8("unasked")).send(FIN | CONTINUATION, utf8("pe\":\"ping\"}"), true)
                    .send(CLOSE, bytes(0x03, 0xE8));
            RawPeer.Ending ending = peer.readUntilClose();

            assertThat(ending.code()).isEqualTo(1000);
            // The pong is Jetty's, written at once; the welcome goes through the hub's writer:
            // which leaves first is not fixed. The hub's own messages keep their order.
            assertThat(ending.frames()).extracting(RawPeer.Received::opCode).containsExactlyInAnyOrder(TEXT, PONG, TEXT, CLOSE);
            assertThat(ending.frames()).filteredOn(f -> f.opCode() == PONG).singleElement()
                    .extracting(RawPeer.Received::text).isEqualTo("hello");
            assertThat(ending.frames()).filteredOn(f -> f.opCode() == TEXT).extracting(RawPeer.Received::text)
                    .satisfiesExactly(welcome -> assertThat(welcome).contains("\"welcome\""),
                            pong -> assertThat(pong).isEqualTo("{\"type\":\"pong\"}"));
            assertThat(ending.frames()).last().extracting(RawPeer.Received::opCode).isEqualTo(CLOSE);
        }
    }

    @Test
    void aCharacterSplitBetweenTwoFragmentsArrivesWhole() throws Exception {
        byte[] text = utf8("price: € 5");
        int cut = 8; // "price: " is 7 bytes; the euro sign's 3 bytes are split after the first
        try (RawPeer peer = RawPeer.connect(server.port(), "/echo", TIMEOUT)) {
            peer.send(TEXT, java.util.Arrays.copyOfRange(text, 0, cut), true)
                    .send(FIN | CONTINUATION, java.util.Arrays.copyOfRange(text, cut, text.length), true)
                    .send(CLOSE, bytes(0x03, 0xE8));
            RawPeer.Ending ending = peer.readUntilClose();

            assertThat(ending.frames()).filteredOn(f -> f.opCode() == TEXT).extracting(RawPeer.Received::text)
                    .containsExactly("price: € 5");
        }
    }
}
