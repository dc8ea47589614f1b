package io.wshub.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrafficWarmupTest {

    /** What the server adds to a short frame's payload: a 2-byte header (no mask). */
    private static final int HEADER = 2;

    @Test
    void everyFrameOfTheFanOutReachesEveryOtherConnectionFromItsFirstOn() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(ExampleServer.BROADCAST, Map.of(Setting.RATE_LIMIT, 0.0))) {
            TrafficWarmup.Traffic traffic = ExampleServer.BROADCAST.warmUpTraffic;
            TrafficWarmup.Result result = TrafficWarmup.run(traffic, fixture.server.port(), 40);

            assertThat(result.connections()).isEqualTo(40);
            assertThat(result.sent()).as("100 a second for 1.5 s, and bursts of 32 every 100 ms").isBetween(150, 616);
            assertThat(result.receivedBy()).hasSize(40);
            assertThat(result.receivedBy().get(0)).as("the sender, whom the relay skips").isZero();
            // The hub lets a session see broadcasts a moment after its 101 (once it is open), so the
            // last connections opened may miss the first frames: never one after that.
            int[] wire = Arrays.stream(traffic.frames()).mapToInt(f -> f.remaining() - 6 + HEADER).toArray();
            for (int i = 1; i < 40; i++) {
                assertThat(framesMissedFirst(result.receivedBy().get(i), result.sent(), wire))
                        .as("connection %d: the first frames it missed (-1: it missed one later)", i)
                        .isBetween(0, result.sent() / 2);
            }
            assertThat(result.took()).isLessThanOrEqualTo(TrafficWarmup.LIMIT.plusSeconds(1));
        }
    }

    /**
     * How many of the first frames a connection that received these bytes missed, the frames'
     * sizes on the wire cycling through {@code wire}; -1 when its bytes are not those of every
     * frame from one on.
     */
    private static int framesMissedFirst(long received, int sent, int[] wire) {
        long missing = -received;
        for (int f = 0; f < sent; f++) {
            missing += wire[f % wire.length];
        }
        for (int k = 0; k <= sent && missing >= 0; k++) {
            if (missing == 0) {
                return k;
            }
            missing -= wire[k % wire.length];
        }
        return -1;
    }

    @Test
    void everyEchoFrameComesBackOnce() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(ExampleServer.ECHO, Map.of(Setting.RATE_LIMIT, 0.0))) {
            TrafficWarmup.Result result = TrafficWarmup.run(ExampleServer.ECHO.warmUpTraffic, fixture.server.port(), 40);

            assertThat(result.connections()).isEqualTo(40);
            assertThat(result.sent()).isGreaterThan(1_000);
            assertThat(result.received()).isEqualTo(result.sentBytes() + (long) HEADER * result.sent());
        }
    }

    @Test
    void aServerThatRefusesTheUpgradeGetsNoTrafficAndNoFailure() throws Exception {
        try (ServerFixture fixture = ServerFixture.start(ExampleServer.BROADCAST)) {
            TrafficWarmup.Traffic nowhere = new TrafficWarmup.Traffic("/nowhere", 10, "warm-up%s", false, 100);

            TrafficWarmup.Result result = TrafficWarmup.run(nowhere, fixture.server.port(), 10);

            assertThat(result.connections()).isZero();
            assertThat(result.sent()).isZero();
            assertThat(result.received()).isZero();
        }
    }

    @Test
    void aTextThatWouldNeedAnExtendedLengthOrHasNoPlaceForThePaddingIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TrafficWarmup.Traffic("/broadcast", 10, "x".repeat(126) + "%s", false, 100))
                .withMessageContaining("extended length");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TrafficWarmup.Traffic("/broadcast", 10, "warm-up", false, 100))
                .withMessageContaining("%s");
    }

    @Test
    void theFramesArePaddedToEachSizeAndMaskedWithAZeroMask() {
        TrafficWarmup.Traffic traffic = new TrafficWarmup.Traffic("/broadcast", 10, "warm-up%s", false, 100);

        assertThat(Arrays.stream(traffic.frames()).mapToInt(f -> f.remaining() - 6))
                .containsExactly(24, 64, 100, 125);
        ByteBuffer first = traffic.frames()[0];
        assertThat(first.get(0)).as("FIN, text").isEqualTo((byte) 0x81);
        assertThat(first.get(1)).as("masked, 24 bytes").isEqualTo((byte) (0x80 | 24));
        assertThat(first.getInt(2)).as("the mask").isZero();
        assertThat(new String(first.array(), 6, 24, StandardCharsets.UTF_8)).isEqualTo("warm-up" + "x".repeat(17));
    }
}
