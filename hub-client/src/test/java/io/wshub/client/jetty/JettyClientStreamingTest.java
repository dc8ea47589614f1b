package io.wshub.client.jetty;

import io.wshub.Chunk;
import io.wshub.OutboundStream;
import io.wshub.client.ClientOptions;
import io.wshub.client.ConnectionLostException;
import io.wshub.client.ReconnectingClient;
import io.wshub.testing.RecordingClientListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The reconnecting client's streams over Jetty, against a server that echoes every message whole. */
class JettyClientStreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final BareServer server = new BareServer();

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void aMessageStreamedOutComesBackAsChunksWithTheSameBytes() throws Exception {
        List<Chunk> chunks = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (ReconnectingClient client = WsHubClient.builder(server.uri("/echo").toString())
                .onChunk(chunk -> {
                    byte[] copy = new byte[chunk.data().remaining()];
                    chunk.data().get(copy);
                    synchronized (received) {
                        received.writeBytes(copy);
                    }
                    chunks.add(chunk);
                    chunk.release();
                })
                .connect()) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            OutboundStream out = client.stream(false);
            out.write(ByteBuffer.wrap(filled(100_000, 1)), false)
                    .thenCompose(v -> out.write(ByteBuffer.wrap(filled(100_000, 2)), false))
                    .thenCompose(v -> out.write(ByteBuffer.wrap(filled(100_000, 3)), true))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> !chunks.isEmpty() && chunks.get(chunks.size() - 1).isLast());
            assertThat(chunks.get(0).isFirst()).isTrue();
            byte[] all;
            synchronized (received) {
                all = received.toByteArray();
            }
            assertThat(all).hasSize(300_000);
            assertThat(all[0]).isEqualTo((byte) 1);
            assertThat(all[150_000]).isEqualTo((byte) 2);
            assertThat(all[299_999]).isEqualTo((byte) 3);
        }
    }

    @Test
    void aMessageOverMaxStreamBytesClosesTheConnectionWith1009() throws Exception {
        RecordingClientListener events = new RecordingClientListener();
        List<Chunk> chunks = new CopyOnWriteArrayList<>();
        ClientOptions options = ClientOptions.builder().maxStreamBytes(1024).initialBackoff(Duration.ofSeconds(5))
                .maxBackoff(Duration.ofSeconds(5)).build();
        try (ReconnectingClient client = WsHubClient.builder(server.uri("/echo").toString()).options(options)
                .listener(events).onChunk(chunk -> {
                    chunks.add(chunk);
                    chunk.release();
                }).connect()) {
            client.whenOpen().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            client.sendText("z".repeat(4096)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> events.lastFailure() != null);
            assertThat(events.lastFailure().cause()).isInstanceOf(ConnectionLostException.class);
            assertThat(((ConnectionLostException) events.lastFailure().cause()).status().code()).isEqualTo(1009);
            assertThat(events.lastFailure().willRetry()).isTrue();
            assertThat(chunks).as("nothing of the refused message").isEmpty();
        }
    }
}
