package io.wshub.client;

import io.wshub.Chunk;
import io.wshub.OutboundStream;
import io.wshub.testing.ScriptedConnection;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reconnecting client's streams: chunks in with demand per chunk, a message out with a window. */
class ClientStreamingTest {

    private final ClientFixture f = new ClientFixture();
    private final List<Chunk> held = new ArrayList<>();

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(Chunk c) {
        return StandardCharsets.ISO_8859_1.decode(c.data()).toString();
    }

    @Test
    void aStreamingClientAsksForStreamsAndReadsTheNextChunkOnlyOnceTheHandlerReleasedThisOne() {
        f.openClient(f.builder().onChunk(held::add));
        ScriptedConnection connection = f.transport.connection();
        assertThat(f.transport.lastAttempt().request.maxStreamBytes())
                .isEqualTo(ClientOptions.defaults().maxStreamBytes());

        connection.serverSendsChunk(false, "ab".getBytes(StandardCharsets.ISO_8859_1), false);
        connection.serverSendsChunk(false, "cd".getBytes(StandardCharsets.ISO_8859_1), true);
        assertThat(held).hasSize(1);
        assertThat(held.get(0).isFirst()).isTrue();
        assertThat(held.get(0).isLast()).isFalse();
        assertThat(text(held.get(0))).isEqualTo("ab");
        assertThat(connection.undelivered()).as("the next chunk waits for the release").isEqualTo(1);

        held.get(0).release();
        held.get(0).release(); // a second release does nothing
        assertThat(held).hasSize(2);
        assertThat(held.get(1).isLast()).isTrue();
        assertThat(text(held.get(1))).isEqualTo("cd");
        assertThat(connection.openDemand()).as("no demand while a chunk is held").isZero();
    }

    @Test
    void aHeldChunkIsNotTakenForASilentServerByTheHeartbeat() {
        ClientOptions options = ClientOptions.builder().pingInterval(seconds(1)).pongTimeout(seconds(3)).build();
        f.openClient(f.builder().options(options).onChunk(held::add));
        ScriptedConnection connection = f.transport.connection();
        connection.stopAnsweringPings();
        connection.serverSendsChunk(true, "x".getBytes(StandardCharsets.UTF_8), true);

        f.advance(seconds(10));
        assertThat(connection.isEnded()).as("the connection is kept while the handler holds a chunk").isFalse();

        held.get(0).release();
        f.advance(seconds(10));
        assertThat(connection.isEnded()).as("once reading again, a silent server is dropped").isTrue();
    }

    @Test
    void aClientTakesMessagesWholeOrAsChunksNotBoth() {
        ReconnectingClient.Builder whole = f.builder().onMessage(m -> { });
        assertThatThrownBy(() -> whole.onChunk(held::add)).isInstanceOf(IllegalStateException.class);
        ReconnectingClient.Builder chunks = f.builder().onChunk(held::add);
        assertThatThrownBy(() -> chunks.onMessage(m -> { })).isInstanceOf(IllegalStateException.class);
        ReconnectingClient client = f.openClient(f.builder().onChunk(held::add));
        assertThatThrownBy(() -> client.receive(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anOutboundStreamTakesItsPlaceInTheBufferAndHoldsBackWhatComesAfterIt() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection connection = f.transport.connection();
        client.sendText("before");
        OutboundStream out = client.stream(false);
        CompletableFuture<Void> after = client.sendText("after");
        assertThat(after).as("waits for the stream's last chunk").isNotDone();

        CompletableFuture<Void> one = out.write(bytes("12"), false);
        CompletableFuture<Void> two = out.write(bytes("34"), true);

        assertThat(one).isCompleted();
        assertThat(two).isCompleted();
        assertThat(after).isCompleted();
        assertThat(out.isEnded()).isTrue();
        assertThat(connection.written()).containsExactly("before", "chunk[binary,first]:12", "chunk[binary,last]:34", "after");
    }

    @Test
    void aStreamAcceptsAWindowOfUnwrittenChunksAndNoMore() {
        ClientOptions options = ClientOptions.builder().streamWindow(2).build();
        ReconnectingClient client = f.openClient(f.builder().options(options));
        f.transport.connection().holdWrites();
        OutboundStream out = client.stream(true);

        CompletableFuture<Void> first = out.write(bytes("a"), false);
        out.write(bytes("b"), false);
        assertThat(out.window()).isZero();
        assertThatThrownBy(() -> out.write(bytes("c"), true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("window of 2 chunks is full");

        f.transport.connection().completeWrite();
        assertThat(first).isCompleted();
        assertThat(out.window()).isEqualTo(1);
    }

    @Test
    void aStreamCutOffByALostConnectionFailsItsChunksAndIsNotSentAgain() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection connection = f.transport.connection();
        OutboundStream out = client.stream(false);
        CompletableFuture<Void> one = out.write(bytes("12"), false);
        assertThat(one).isCompleted();

        f.transport.openAt(ClientFixture.PRIMARY);
        connection.drop();
        assertThatThrownBy(() -> out.write(bytes("34"), true).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClientException.class);

        f.advance(seconds(5));
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(f.transport.connection()).isNotSameAs(connection);
        assertThat(f.transport.connection().written()).as("nothing of the stream on the new connection").isEmpty();
        client.sendText("next");
        assertThat(f.transport.connection().written()).containsExactly("next");
    }

    @Test
    void closingTheClientFailsAStreamStillBuffered() {
        ReconnectingClient client = f.openClient(f.builder());
        client.stream(false); // in flight, waiting for its sender
        OutboundStream buffered = client.stream(true);
        client.close();

        assertThatThrownBy(() -> buffered.write(bytes("x"), true).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClientClosedException.class);
    }
}
