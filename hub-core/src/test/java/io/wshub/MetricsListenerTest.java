package io.wshub;

import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import io.wshub.testing.UpgradeRefusedException;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RoomProtocol;
import io.wshub.spi.MetricsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.wshub.testing.Peer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A {@link MetricsListener} hears what the hub does, and {@link Hub#stats()} counts the same; a
 * listener that throws does not disturb the hub.
 */
class MetricsListenerTest {

    private static final String PING = "{\"type\":\"ping\"}";
    private static final String PONG = "{\"type\":\"pong\"}";

    /** Everything the listener heard, in order. */
    private static final class Recorder implements MetricsListener {
        record Closed(String id, CloseStatus status, Duration connectedFor) {
        }

        record Error(ErrorKind kind, String sessionId, String detail) {
        }

        final List<String> opened = Collections.synchronizedList(new ArrayList<>());
        final List<Closed> closed = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        final List<Error> errors = Collections.synchronizedList(new ArrayList<>());
        long messagesWritten;
        long bytesWritten;

        @Override
        public void sessionOpened(Session session) {
            opened.add(session.id());
        }

        @Override
        public void sessionClosed(Session session, CloseStatus status, Duration connectedFor) {
            closed.add(new Closed(session.id(), status, connectedFor));
        }

        @Override
        public void messageReceived(Session session, int bytes) {
            received.add(bytes);
        }

        @Override
        public synchronized void messagesWritten(Session session, int messages, long bytes) {
            messagesWritten += messages;
            bytesWritten += bytes;
        }

        @Override
        public void error(ErrorKind kind, Session session, String detail) {
            errors.add(new Error(kind, session == null ? null : session.id(), detail));
        }
    }

    private final Recorder recorder = new Recorder();
    private HubFixture server;

    @AfterEach
    void closeHub() {
        if (server != null) {
            server.close();
        }
    }

    private HubFixture start(HubHandler handler) {
        server = HubFixture.with(b -> b.handler(handler).metrics(recorder));
        return server;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void connectsAndDisconnectsAreHeardWithTheCloseStatusAndHowLongTheSessionLasted() {
        start(RoomProtocol.router().build());
        Peer alice = server.connect("alice");
        Peer bob = server.connect("bob");
        Peer carol = server.connect("carol");

        server.time().advance(Duration.ofSeconds(7));
        alice.client().close(1000, "done");
        server.time().advance(Duration.ofSeconds(2));
        bob.client().abort();
        server.hub().session("carol").orElseThrow().close(4000, "kicked");

        assertThat(recorder.opened).containsExactly("alice", "bob", "carol");
        assertThat(recorder.closed).containsExactly(
                new Recorder.Closed("alice", new CloseStatus(1000, "done"), Duration.ofSeconds(7)),
                new Recorder.Closed("bob", CloseStatus.ABNORMAL, Duration.ofSeconds(9)),
                new Recorder.Closed("carol", new CloseStatus(4000, "kicked"), Duration.ofSeconds(9)));
        assertThat(carol.client().awaitClose(WAIT)).isEqualTo(new CloseStatus(4000, "kicked"));
        HubStats stats = server.hub().stats();
        assertThat(stats.connects()).isEqualTo(3);
        assertThat(stats.disconnects()).isEqualTo(3);
        assertThat(stats.sessions()).isZero();
    }

    @Test
    void aCloseTheHubDecidesIsHeardWithItsOwnStatus() {
        start(RoomProtocol.router().build());
        Peer alice = server.connect("alice");

        alice.send("x".repeat(512 * 1024 + 1));

        assertThat(alice.client().awaitClose(WAIT).code()).isEqualTo(1009);
        assertThat(recorder.closed).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(CloseStatus.MESSAGE_TOO_BIG));
        assertThat(recorder.errors).extracting(Recorder.Error::kind, Recorder.Error::sessionId)
                .containsExactly(tuple(ErrorKind.MESSAGE_TOO_BIG, "alice"));
        assertThat(server.errors(ErrorKind.MESSAGE_TOO_BIG)).isEqualTo(1);
    }

    @Test
    void messagesAndBytesInAndOutAreHeardAndCountedAlike() {
        start(RoomProtocol.router().build());
        Peer alice = server.connect("alice");
        Peer bob = server.connect("bob");
        String broadcast = "{\"type\":\"broadcast\",\"content\":\"h\u00e9llo \u4e2d\uD83D\uDE00\"}";
        String relayed = "{\"type\":\"broadcast\",\"content\":\"h\u00e9llo \u4e2d\uD83D\uDE00\",\"from\":\"alice\"}";

        alice.send(PING);
        alice.send(broadcast);

        List<String> out = new ArrayList<>();
        out.add(alice.next()); // welcome
        out.add(alice.next()); // user_joined bob
        out.add(alice.next()); // pong
        out.add(bob.next()); // welcome
        String relayedText = bob.next();
        out.add(relayedText);
        assertThat(out.get(2)).isEqualTo(PONG);
        assertThat(Peer.json(relayedText)).isEqualTo(Peer.json(relayed));
        long bytesOut = out.stream().mapToLong(MetricsListenerTest::utf8).sum();

        assertThat(recorder.received).containsExactly(utf8(PING), utf8(broadcast));
        assertThat(recorder.messagesWritten).isEqualTo(5);
        assertThat(recorder.bytesWritten).isEqualTo(bytesOut);
        HubStats stats = server.hub().stats();
        assertThat(stats.messagesIn()).isEqualTo(2);
        assertThat(stats.bytesIn()).isEqualTo(utf8(PING) + utf8(broadcast));
        assertThat(stats.messagesOut()).isEqualTo(5);
        assertThat(stats.bytesOut()).isEqualTo(bytesOut);
        Session aliceSession = server.hub().session("alice").orElseThrow();
        assertThat(aliceSession.stats().messagesIn()).isEqualTo(2);
        assertThat(aliceSession.stats().messagesOut()).isEqualTo(3);
    }

    @Test
    void binaryMessagesCountTheirBytes() {
        start(new RawEchoHandler());
        Peer peer = server.connect("p");

        peer.client().sendBinary(new byte[1000]);

        assertThat(peer.client().nextBinary(WAIT)).hasSize(1000);
        assertThat(recorder.received).containsExactly(1000);
        assertThat(recorder.bytesWritten).isEqualTo(1000);
        assertThat(server.hub().stats().bytesIn()).isEqualTo(1000);
        assertThat(server.hub().stats().bytesOut()).isEqualTo(1000);
    }

    @Test
    void refusedUpgradesAndTheKindOfEachMessageAreHeard() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        MetricsListener kinds = new MetricsListener() {
            @Override
            public void upgradeRefused(Handshake handshake, int status, String reason) {
                heard.add("refused " + status + " " + reason + " " + handshake.queryParameters().get("id"));
            }

            @Override
            public void messageReceived(Session session, boolean binary, int bytes) {
                heard.add((binary ? "binary in " : "text in ") + bytes);
            }

            @Override
            public void messagesWritten(Session session, int textMessages, int binaryMessages, long bytes) {
                heard.add("written " + textMessages + " text, " + binaryMessages + " binary, " + bytes + " bytes");
            }
        };
        server = HubFixture.with(b -> b.handler(new RawEchoHandler()).metrics(kinds));
        Peer peer = server.connect("p");

        peer.client().sendText("hi");
        assertThat(peer.client().nextText(WAIT)).isEqualTo("hi");
        peer.client().sendBinary(new byte[3]);
        assertThat(peer.client().nextBinary(WAIT)).hasSize(3);
        assertThatThrownBy(() -> server.connect("p")).isInstanceOf(UpgradeRefusedException.class);

        assertThat(heard).containsExactly("text in 2", "written 1 text, 0 binary, 2 bytes",
                "binary in 3", "written 0 text, 1 binary, 3 bytes", "refused 409 Session id taken [p]");
    }

    @Test
    void errorsAreHeardByKindWithTheirSessionAndCountedAlike() {
        HubHandler handler = RoomProtocol.router()
                .on("boom", (session, message) -> {
                    throw new IllegalStateException("application bug");
                })
                .build();
        start(handler);
        Peer alice = server.connect("alice");
        Peer bob = server.connect("bob");

        alice.send("not json");
        alice.send("{\"type\":\"dance\"}");
        alice.send("{\"type\":\"room_message\",\"room\":\"lobby\"}");
        bob.send("{\"type\":\"boom\"}");

        assertThat(bob.client().awaitClose(WAIT)).isEqualTo(CloseStatus.SERVER_ERROR);
        assertThat(recorder.errors).extracting(Recorder.Error::kind, Recorder.Error::sessionId).containsExactly(
                tuple(ErrorKind.INVALID_MESSAGE, "alice"),
                tuple(ErrorKind.INVALID_MESSAGE, "alice"),
                tuple(ErrorKind.INVALID_MESSAGE, "alice"),
                tuple(ErrorKind.HANDLER, "bob"));
        assertThat(recorder.errors.get(0).detail()).isEqualTo("Invalid message format");
        assertThat(recorder.errors.get(1).detail()).isEqualTo("Unknown message type: dance");
        assertThat(recorder.errors.get(2).detail()).isEqualTo("Not in room");
        assertThat(recorder.errors.get(3).detail()).contains("application bug");
        assertThat(server.hub().stats().errors()).containsEntry(ErrorKind.INVALID_MESSAGE, 3L)
                .containsEntry(ErrorKind.HANDLER, 1L).containsEntry(ErrorKind.TRANSPORT, 0L)
                .containsOnlyKeys(ErrorKind.values());
        assertThat(recorder.closed).extracting(Recorder.Closed::status).containsExactly(CloseStatus.SERVER_ERROR);
    }

    @Test
    void aListenerThatThrowsDoesNotDisturbTheHub() {
        MetricsListener broken = new MetricsListener() {
            @Override
            public void sessionOpened(Session session) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void sessionClosed(Session session, CloseStatus status, Duration connectedFor) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void messageReceived(Session session, int bytes) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void messagesWritten(Session session, int messages, long bytes) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void error(ErrorKind kind, Session session, String detail) {
                throw new IllegalStateException("metrics down");
            }
        };
        server = HubFixture.with(b -> b.handler(RoomProtocol.router().build()).metrics(broken));
        Peer alice = server.connect("alice");
        Peer bob = server.connect("bob");
        alice.expect(Peer.welcome("alice"));
        alice.expect("{\"type\":\"user_joined\",\"id\":\"bob\"}");

        alice.send("garbage");
        alice.expectError("Invalid message format");
        alice.expectOnlyPong();
        bob.client().close();

        alice.expect("{\"type\":\"user_left\",\"id\":\"bob\"}");
        alice.expectOnlyPong();
        HubStats stats = server.hub().stats();
        assertThat(stats.connects()).isEqualTo(2);
        assertThat(stats.disconnects()).isEqualTo(1);
        assertThat(stats.messagesIn()).isEqualTo(3);
        assertThat(stats.errors(ErrorKind.INVALID_MESSAGE)).isEqualTo(1);
        assertThat(stats.sessions()).isEqualTo(1);
    }

    @Test
    void theStatsCountSessionsAndRoomsNow() {
        start(RoomProtocol.router().build());
        Peer alice = server.connect("alice");
        server.connect("bob");
        alice.send("{\"type\":\"join_room\",\"room\":\"one\"}");
        alice.send("{\"type\":\"join_room\",\"room\":\"two\"}");

        HubStats stats = server.hub().stats();

        assertThat(stats.sessions()).isEqualTo(2);
        assertThat(stats.rooms()).isEqualTo(2);
        assertThat(stats.brokerUp()).isTrue();
        assertThat(stats.shuttingDown()).isFalse();
        assertThat(stats.queuedBytes()).isZero(); // every client reads as fast as it is written to
    }
}
