package io.wshub;

import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Messages taken and sent as streams of chunks, on the in-memory transport. */
class StreamingTest {

    private static final Duration WAIT = HubFixture.WAIT;

    /** Keeps every chunk it gets, unreleased, so the test decides when the next is read. */
    private static final class HoldingHandler implements HubHandler {
        final List<Chunk> chunks = new CopyOnWriteArrayList<>();
        final List<String> whole = new CopyOnWriteArrayList<>();

        @Override
        public boolean streamsMessages() {
            return true;
        }

        @Override
        public void onChunk(Session session, Chunk chunk) {
            chunks.add(chunk);
        }

        @Override
        public void onText(Session session, String text) {
            whole.add(text);
        }
    }

    private static byte[] bytes(Chunk c) {
        ByteBuffer b = c.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void aStreamingHandlerGetsEachFrameAsAChunkAndTheNextIsReadOnlyWhenThisOneIsReleased() {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.defaults(), handler)) {
            InMemoryClient client = server.client("a");
            client.sendChunk(false, new byte[] {1, 2}, false);
            client.sendChunk(false, new byte[] {3}, false);
            client.sendChunk(false, new byte[] {4}, true);
            client.sendText("whole");

            assertThat(handler.chunks).hasSize(1);
            Chunk first = handler.chunks.get(0);
            assertThat(first.isFirst()).isTrue();
            assertThat(first.isLast()).isFalse();
            assertThat(first.isText()).isFalse();
            assertThat(bytes(first)).containsExactly(1, 2);

            first.release();
            first.release(); // a second release reads nothing more
            assertThat(handler.chunks).hasSize(2);
            handler.chunks.get(1).release();
            handler.chunks.get(2).release();

            assertThat(handler.chunks).hasSize(4);
            Chunk last = handler.chunks.get(2);
            assertThat(last.isLast()).isTrue();
            assertThat(bytes(last)).containsExactly(4);
            Chunk text = handler.chunks.get(3);
            assertThat(text.isText() && text.isFirst() && text.isLast()).isTrue();
            assertThat(new String(bytes(text), StandardCharsets.UTF_8)).isEqualTo("whole");
            assertThat(handler.whole).isEmpty(); // a streaming handler gets no whole messages
        }
    }

    @Test
    void aStreamedMessageGoesOutChunkByChunkAfterWhatWasSentBeforeItAndAheadOfWhatIsSentAfterIt() throws Exception {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.defaults(), handler)) {
            InMemoryClient client = server.client("a");
            Session session = server.session("a");
            session.send("before");
            OutboundStream out = session.stream(true);
            session.send("after");

            out.write(ByteBuffer.wrap("hel".getBytes(StandardCharsets.UTF_8)), false).get(5, TimeUnit.SECONDS);
            assertThat(client.nextText(WAIT)).isEqualTo("before");
            assertThat(client.poll(Duration.ofMillis(50))).isEmpty(); // "after" waits for the stream's end
            out.write(ByteBuffer.wrap("lo".getBytes(StandardCharsets.UTF_8)), true).get(5, TimeUnit.SECONDS);

            assertThat(client.nextText(WAIT)).isEqualTo("hello");
            assertThat(client.nextText(WAIT)).isEqualTo("after");
            assertThat(client.chunksRead()).isEqualTo(2);
            assertThat(out.isEnded()).isTrue();
        }
    }

    @Test
    void atMostTheWindowOfChunksWaitsAndEachWriteCompletesWhenThePeerHasReadIt() {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.builder().streamWindow(2).build(), handler)) {
            InMemoryClient client = server.client("a");
            client.pauseReading();
            OutboundStream out = server.session("a").stream(false);

            CompletableFuture<Void> one = out.write(ByteBuffer.wrap(new byte[] {1}), false);
            CompletableFuture<Void> two = out.write(ByteBuffer.wrap(new byte[] {2}), false);
            assertThat(out.window()).isZero();
            assertThatThrownBy(() -> out.write(ByteBuffer.wrap(new byte[] {3}), true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("window of 2");
            assertThat(one).isNotDone();

            client.allowReads(1);
            assertThat(one).isCompleted();
            assertThat(two).isNotDone();
            assertThat(out.window()).isEqualTo(1);
            client.resumeReading();
            assertThat(two).isCompleted();
            out.write(ByteBuffer.wrap(new byte[] {3}), true).join();
            assertThat(client.nextBinary(WAIT)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aStreamedMessageOverMaxStreamBytesClosesWith1009() {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.builder().maxStreamBytes(5).build(), handler)) {
            InMemoryClient client = server.client("a");
            client.sendChunk(false, new byte[3], false);
            handler.chunks.get(0).release();
            client.sendChunk(false, new byte[3], true);

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1009);
            assertThat(handler.chunks).hasSize(1);
        }
    }

    @Test
    void aChunkOverMaxMessageBytesClosesWith1009EvenWithinTheStreamLimit() {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.builder().maxMessageBytes(4).build(), handler)) {
            InMemoryClient client = server.client("a");
            client.sendChunk(false, new byte[5], false);

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1009);
            assertThat(handler.chunks).isEmpty();
        }
    }

    @Test
    void aStreamedTextMessageThatIsNotUtf8ClosesWith1007EvenWhenACharacterIsSplitBetweenChunks() {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.defaults(), handler)) {
            InMemoryClient client = server.client("a");
            byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
            client.sendChunk(true, new byte[] {'a', euro[0]}, false);
            handler.chunks.get(0).release();
            client.sendChunk(true, new byte[] {euro[1], euro[2]}, true); // split, yet valid
            handler.chunks.get(1).release();
            client.sendChunk(true, new byte[] {'b', (byte) 0xC0, (byte) 0x80}, true); // an overlong NUL

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1007);
            assertThat(handler.chunks).hasSize(2);
        }
    }

    @Test
    void aStreamThatStopsMovingClosesTheSessionAtTheWriteTimeout() {
        HoldingHandler handler = new HoldingHandler();
        HubOptions options = HubOptions.builder().writeTimeout(Duration.ofSeconds(10)).build();
        try (HubFixture server = HubFixture.of(options, handler)) {
            InMemoryClient client = server.client("a");
            OutboundStream out = server.session("a").stream(false);
            for (int i = 0; i < 5; i++) { // a stream that keeps moving is not a stuck write
                server.advance(Duration.ofSeconds(6));
                out.write(ByteBuffer.wrap(new byte[] {(byte) i}), false).join();
            }
            assertThat(client.isClosed()).isFalse();

            server.advance(Duration.ofSeconds(12)); // nothing offered for longer than the timeout

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1006);
            assertThat(server.errors(ErrorKind.WRITE_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void closingTheSessionFailsAStreamNotEndedAndWritesOneThatWas() {
        HoldingHandler handler = new HoldingHandler();
        try (HubFixture server = HubFixture.of(HubOptions.defaults(), handler)) {
            InMemoryClient client = server.client("a");
            Session session = server.session("a");
            OutboundStream ended = session.stream(false);
            client.pauseReading();
            CompletableFuture<Void> last = ended.write(ByteBuffer.wrap(new byte[] {7}), true);
            OutboundStream open = session.stream(false);
            CompletableFuture<Void> unended = open.write(ByteBuffer.wrap(new byte[] {8}), false);

            session.close(CloseStatus.NORMAL);
            client.resumeReading();

            assertThat(last).succeedsWithin(WAIT);
            assertThat(unended).failsWithin(WAIT);
            assertThat(client.nextBinary(WAIT)).containsExactly(7);
            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1000);
            assertThat(session.stream(false).write(ByteBuffer.allocate(1), true)).isCompletedExceptionally();
        }
    }
}
