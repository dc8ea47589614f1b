package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The storm scenario's bookkeeping: how attempts, closes and messages are told apart and counted. */
class StormTallyTest {

    private static final URI WS = URI.create("ws://127.0.0.1:18100/ws");

    @Test
    void aFailedAttemptIsNamedByItsHttpStatusOrElseByItsInnermostCause() {
        assertThat(StormTally.kind(new UpgradeException(WS, 503, "Service Unavailable"))).isEqualTo("HTTP 503");
        assertThat(StormTally.kind(new CompletionException(new org.eclipse.jetty.websocket.core.exception
                .UpgradeException(WS, 429, "Too Many Requests")))).isEqualTo("HTTP 429");
        assertThat(StormTally.kind(new CompletionException(new ConnectException("Connection refused"))))
                .isEqualTo("ConnectException");
        // Jetty wraps transport failures in an UpgradeException without a status.
        assertThat(StormTally.kind(new UpgradeException(WS, 0, "failed", new IOException("reset"))))
                .isEqualTo("IOException");
        assertThat(StormTally.kind(new TimeoutException())).isEqualTo("TimeoutException");
    }

    @Test
    void failuresAreListedMostFirst() {
        StormTally tally = new StormTally();
        tally.failed(new ConnectException("Connection refused"));
        tally.failed(new UpgradeException(WS, 503, "Service Unavailable"));
        tally.failed(new ConnectException("Connection refused"));

        assertThat(tally.failures()).isEqualTo(3);
        assertThat(tally.failureKinds()).isEqualTo("ConnectException: 2, HTTP 503: 1");
    }

    @Test
    void closesOfClientsThatWereBackAreCountedApartAndSlowConsumersByTheirReason() {
        StormTally tally = new StormTally();
        tally.closed(1008, "Slow consumer", true);
        tally.closed(1008, "Rate limit exceeded", true);
        tally.closed(1006, "Disconnected", true);
        tally.closed(1001, "Going away", false);
        tally.closed(1008, "Slow consumer", false);

        assertThat(tally.closesAfterBack()).isEqualTo(3);
        assertThat(tally.closeCodesAfterBack()).isEqualTo("1006x1 1008x2");
        assertThat(tally.closesAfterBack(1008)).isEqualTo(2);
        assertThat(tally.slowConsumerCloses()).isEqualTo(1);
        assertThat(tally.closesBeforeBack()).isEqualTo(2);
        assertThat(tally.closeCodesBeforeBack()).isEqualTo("1001x1 1008x1");
    }

    @Test
    void theMostClientsBackAtOnceIsKept() {
        StormTally tally = new StormTally();
        tally.back();
        tally.back();
        tally.lost();
        tally.back();
        tally.lost();
        tally.lost();

        assertThat(tally.backNow()).isZero();
        assertThat(tally.maxBack()).isEqualTo(2);
    }

    @Test
    void theRoomServersMessagesAreToldApartByTheirFirstBytes() {
        assertThat(type("{\"type\":\"welcome\",\"id\":\"u1\",\"content\":\"Connected\"}"))
                .isEqualTo(StormConnection.Type.WELCOME);
        assertThat(type("{\"type\":\"room_joined\",\"room\":\"storm-3\",\"members\":[]}"))
                .isEqualTo(StormConnection.Type.ROOM_JOINED);
        assertThat(type("{\"type\":\"user_joined\",\"id\":\"u2\"}")).isEqualTo(StormConnection.Type.OTHER);
        assertThat(type("{\"type\":\"wel")).isEqualTo(StormConnection.Type.OTHER);
        assertThat(type("")).isEqualTo(StormConnection.Type.OTHER);
    }

    private static StormConnection.Type type(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        byte[] head = new byte[StormConnection.Type.HEAD_BYTES];
        int length = Math.min(bytes.length, head.length);
        System.arraycopy(bytes, 0, head, 0, length);
        return StormConnection.Type.of(head, length);
    }

    @Test
    void theOutageIsHalfTheClientsRoundedUp() {
        assertThat(StormRun.half(2500)).isEqualTo(1250);
        assertThat(StormRun.half(5)).isEqualTo(3);
        assertThat(StormRun.half(1)).isEqualTo(1);
    }

    @Test
    void thePidFileHoldsOnePositiveNumber(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("server.pid");
        assertThat(StormServerWatch.readPid(file)).isEmpty();
        Files.writeString(file, " 4242\n");
        assertThat(StormServerWatch.readPid(file)).isEqualTo(OptionalLong.of(4242));
        Files.writeString(file, "");
        assertThat(StormServerWatch.readPid(file)).isEmpty();
        Files.writeString(file, "-1");
        assertThat(StormServerWatch.readPid(file)).isEmpty();
    }
}
