package io.wshub.examples;

import io.wshub.Hub;
import io.wshub.Session;
import io.wshub.jetty.StreamClient;
import io.wshub.jetty.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The echo server's {@code /binary}: the seed's binary protocol, streamed, over real sockets. */
class BinaryStreamServerTest {

    private static final int LARGEST = (1 << 24) - 1; // what a 24-bit length can say: 16 MiB less one byte
    private static final int CHUNK = 64 * 1024;

    private ServerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ECHO);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Collects whole messages from the frames a {@link StreamClient} receives. */
    private static final class Messages implements StreamClient.Sink {
        final LinkedBlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
        final AtomicLong bytes = new AtomicLong();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        /** When set, the messages are only digested, not kept. */
        final MessageDigest digest;

        Messages(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void frame(boolean text, ByteBuffer data, String chars, boolean last) {
            bytes.addAndGet(data.remaining());
            if (digest != null) {
                digest.update(data);
            } else {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                current.writeBytes(b);
            }
            if (last) {
                binary.add(digest != null ? new byte[0] : current.toByteArray());
                current.reset();
            }
        }

        byte[] next() throws InterruptedException {
            byte[] m = binary.poll(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(m).as("a message within %s", TestClient.TIMEOUT).isNotNull();
            return m;
        }
    }

    private static byte[] header(int type, int length) {
        return new byte[] {(byte) type, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    private static byte[] payload(int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (i * 31 + (i >>> 12));
        }
        return p;
    }

    /** Sends a message as frames of CHUNK bytes, at most two unwritten. */
    private static void sendInFrames(StreamClient c, byte[] message) throws InterruptedException {
        Semaphore inFlight = new Semaphore(2);
        for (int at = 0; at < message.length; at += CHUNK) {
            int n = Math.min(CHUNK, message.length - at);
            inFlight.acquire();
            c.sendPart(ByteBuffer.wrap(message, at, n), at + n == message.length).whenComplete((v, e) -> inFlight.release());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aSixteenMibDataMessageIsStreamedBackWithItsNewHeaderAndTheSameBytes() throws Exception {
        Messages received = new Messages(null);
        StreamClient c = StreamClient.connect(fixture.jetty, fixture.ws("/binary"), received);
        byte[] payload = payload(LARGEST);

        sendInFrames(c, concat(header(1, LARGEST), payload));

        byte[] answer = received.next();
        assertThat(answer.length).isEqualTo(4 + LARGEST);
        assertThat(Arrays.copyOf(answer, 4)).containsExactly(header(2, LARGEST));
        assertThat(Arrays.equals(answer, 4, answer.length, payload, 0, payload.length)).as("the same payload").isTrue();
    }

    @Test
    void aControlMessageIsAckedWithOneZeroByte() throws Exception {
        Messages received = new Messages(null);
        StreamClient c = StreamClient.connect(fixture.jetty, fixture.ws("/binary"), received);

        c.sendPart(ByteBuffer.wrap(concat(header(2, 3), new byte[] {9, 9, 9})), true);

        assertThat(received.next()).containsExactly(0x00);
    }

    @Test
    void aTextFrameIsClosedWith1003() throws Exception {
        StreamClient c = StreamClient.connect(fixture.jetty, fixture.ws("/binary"), new Messages(null));

        c.sendText("hello");

        var status = c.closed().get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(status.code()).isEqualTo(1003);
        assertThat(status.reason()).isEqualTo("Expected binary data");
    }

    @Test
    void aPeerThatStopsReadingItsAnswerSlowsTheReadingOfItsUploadInsteadOfGrowingMemory() throws Exception {
        MessageDigest answers = MessageDigest.getInstance("SHA-256");
        Messages received = new Messages(answers);
        StreamClient c = StreamClient.connect(fixture.jetty, fixture.ws("/binary"), received);
        Hub hub = fixture.server.hubs().get("/binary");
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.sessions().size() == 1);
        Session session = hub.sessions().iterator().next();
        int messages = 4;
        byte[] message = concat(header(1, LARGEST), payload(LARGEST));
        long upload = (long) messages * message.length;
        long baseline = heapAfterGc();

        c.pauseReading();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < messages; i++) {
                    sendInFrames(c, message);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        // The upload stops where the unread answer fills the sockets: the server reads no further.
        AtomicLong lastIn = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> lastIn.getAndSet(session.stats().bytesIn()) == session.stats().bytesIn()
                        && session.stats().bytesIn() > 0);
        long readWhileStalled = session.stats().bytesIn();
        long grown = heapAfterGc() - baseline;
        assertThat(sender).isNotDone();
        assertThat(readWhileStalled).as("bytes read of a %d-byte upload", upload).isLessThan(upload - message.length);
        assertThat(grown).as("heap growth while stalled").isLessThan(message.length);

        c.resumeReading();
        sender.get(1, TimeUnit.MINUTES);
        for (int i = 0; i < messages; i++) {
            received.next();
        }
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        byte[] answer = concat(header(2, LARGEST), payload(LARGEST));
        for (int i = 0; i < messages; i++) {
            expected.update(answer);
        }
        assertThat(received.bytes.get()).isEqualTo(upload);
        assertThat(answers.digest()).isEqualTo(expected.digest());
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
