package io.wshub.protocol;

import io.wshub.HubOptions;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code /binary} protocol on the in-memory transport: data relayed, control acked, text refused. */
class BinaryStreamProtocolTest {

    private static final Duration WAIT = HubFixture.WAIT;

    private static HubFixture server() {
        return HubFixture.of(HubOptions.defaults(), new BinaryStreamProtocol());
    }

    @Test
    void aDataMessageIsAnsweredWithTheResponseHeaderAndTheSamePayloadEvenWhenTheHeaderIsSplit() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            client.sendChunk(false, new byte[] {1, 0}, false); // half a header
            client.sendChunk(false, new byte[] {0, 5, 'h', 'e'}, false);
            client.sendChunk(false, new byte[] {'l', 'l', 'o'}, true);

            assertThat(client.nextBinary(WAIT)).containsExactly(2, 0, 0, 5, 'h', 'e', 'l', 'l', 'o');
            assertThat(client.chunksRead()).isEqualTo(3); // streamed: the header, then each chunk as it came
        }
    }

    @Test
    void aDataMessageSentWholeIsStreamedBackToo() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            byte[] message = new byte[4 + 300];
            message[0] = 1;
            message[2] = 1;
            message[3] = 44; // 300
            Arrays.fill(message, 4, message.length, (byte) 9);
            client.sendBinary(message);

            byte[] answer = client.nextBinary(WAIT);
            assertThat(answer[0]).isEqualTo((byte) 2);
            assertThat(Arrays.copyOfRange(answer, 1, answer.length)).isEqualTo(Arrays.copyOfRange(message, 1, message.length));
        }
    }

    @Test
    void anEmptyDataMessageIsAnsweredWithTheHeaderAlone() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            client.sendBinary(new byte[] {1, 0, 0, 0});

            assertThat(client.nextBinary(WAIT)).containsExactly(2, 0, 0, 0);
        }
    }

    @Test
    void aControlMessageIsAckedWithOneZeroByte() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            client.sendBinary(new byte[] {2, 0, 0, 2, 7, 7});

            assertThat(client.nextBinary(WAIT)).containsExactly(0);
        }
    }

    @Test
    void aTextMessageIsClosedWith1003() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            client.sendText("hello");

            var status = client.awaitClose(WAIT);
            assertThat(status.code()).isEqualTo(1003);
            assertThat(status.reason()).isEqualTo("Expected binary data");
        }
    }

    @Test
    void aMessageShorterThanItsHeaderIsClosedWith1007() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            client.sendBinary(new byte[] {2, 0});

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1007);
        }
    }

    @Test
    void aPeerThatStopsReadingItsAnswerStopsTheReadingOfItsUpload() {
        try (HubFixture server = server()) {
            InMemoryClient client = server.client("a");
            client.pauseReading();
            client.sendChunk(false, new byte[] {1, 0, 0, 100}, false);
            for (int i = 0; i < 9; i++) {
                client.sendChunk(false, new byte[10], false);
            }
            client.sendChunk(false, new byte[10], true);

            // the header and the first chunk wait for the peer; nothing more of the upload is read
            assertThat(server.session("a").stats().bytesIn()).isEqualTo(4 + 10);
            client.resumeReading();
            assertThat(client.nextBinary(WAIT)).hasSize(104);
            assertThat(server.session("a").stats().bytesIn()).isEqualTo(104);
        }
    }
}
