package io.wshub.jetty;

import io.wshub.Chunk;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.OutboundStream;
import io.wshub.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages streamed through the Jetty adapter both ways, never held whole. */
class StreamingOverJettyTest {

    private static final int CHUNK = 64 * 1024;
    private static final int WINDOW = 4;

    /** Answers every message with the same bytes, streamed through chunk by chunk. */
    static final class StreamEcho implements HubHandler {
        @Override
        public boolean streamsMessages() {
            return true;
        }

        @Override
        public void onChunk(Session session, Chunk chunk) {
            OutboundStream out;
            if (chunk.isFirst()) {
                out = session.stream(chunk.isText());
                session.attributes().put("out", out);
            } else {
                out = (OutboundStream) session.attributes().get("out");
            }
            out.write(chunk.data(), chunk.isLast()).whenComplete((written, failed) -> chunk.release());
        }
    }

    private Hub hub;
    private TestServer server;
    private WebSocketClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(HubOptions options) throws Exception {
        hub = Hub.builder().options(options).handler(new StreamEcho()).build();
        server = TestServer.start(s -> WshubHandler.builder(s).mount("/relay", hub).build());
        client = TestClient.newJettyClient();
    }

    /** The chunk numbered {@code i}: distinct bytes for every chunk, so a lost, repeated or reordered one changes the digest. */
    private static void fill(ByteBuffer chunk, long i) {
        chunk.clear();
        long x = i * 0x9E3779B97F4A7C15L + 1;
        while (chunk.remaining() >= 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            chunk.putLong(x);
        }
        chunk.flip();
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void aOneGibMessageIsRelayedThroughAStreamingHandlerWithTheSameDigestAndTheHeapBoundedByTheWindow() throws Exception {
        long total = 1L << 30;
        start(HubOptions.builder().maxStreamBytes(2L << 30).streamWindow(WINDOW).build());
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        AtomicLong receivedBytes = new AtomicLong();
        CompletableFuture<Void> whole = new CompletableFuture<>();
        List<CompletableFuture<Void>> marks = new ArrayList<>();
        int samples = 8;
        for (int i = 0; i < samples; i++) {
            marks.add(new CompletableFuture<>());
        }
        StreamClient c = StreamClient.connect(client, server.ws("/relay"), (text, bytes, chars, last) -> {
            long before = receivedBytes.get();
            long after = receivedBytes.addAndGet(bytes.remaining());
            received.update(bytes);
            int mark = (int) (after / (total / samples)) - 1;
            if (mark >= 0 && mark < samples && before / (total / samples) <= mark) {
                marks.get(mark).complete(null);
            }
            if (last) {
                whole.complete(null);
            }
        });
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long baseline = usedHeapAfterGc(memory);

        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
            Semaphore inFlight = new Semaphore(2);
            ByteBuffer[] buffers = {ByteBuffer.allocate(CHUNK), ByteBuffer.allocate(CHUNK), ByteBuffer.allocate(CHUNK)};
            long chunks = total / CHUNK;
            try {
                for (long i = 0; i < chunks; i++) {
                    inFlight.acquire(); // a buffer is reused only once its send completed: 2 in flight, 3 buffers
                    ByteBuffer b = buffers[(int) (i % buffers.length)];
                    fill(b, i);
                    sent.update(b.duplicate());
                    c.sendPart(b, i == chunks - 1).whenComplete((v, e) -> inFlight.release());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return chunks;
        });

        long peak = 0;
        for (CompletableFuture<Void> mark : marks) {
            mark.get(2, TimeUnit.MINUTES);
            peak = Math.max(peak, usedHeapAfterGc(memory) - baseline);
        }
        whole.get(2, TimeUnit.MINUTES);
        sender.get(1, TimeUnit.MINUTES);

        assertThat(receivedBytes.get()).isEqualTo(total);
        assertThat(received.digest()).isEqualTo(sent.digest());
        long window = (long) WINDOW * CHUNK;
        System.out.printf("1 GiB relayed; heap growth at its peak %d KiB, the window %d KiB%n", peak / 1024, window / 1024);
        assertThat(peak).as("heap growth (the window is %d bytes)", window).isLessThan(32 * window);
    }
}
