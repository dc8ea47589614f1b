package io.wshub.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void everyUpgradeAndFrameOfTheWarmUpGoesThroughThoughTheServerRequiresATokenAndLimitsItsClients() throws Exception {
        // Each would refuse the warm-up (401; 429 after the first upgrade; 503 after 100 sessions;
        // a close after 2 frames): the copy has none of them.
        Settings settings = Settings.with(Map.of(Setting.WARM_UP, 300, Setting.JWT_SECRET, SECRET,
                Setting.UPGRADES_PER_SECOND_PER_ADDRESS, 1.0, Setting.UPGRADE_BURST_PER_ADDRESS, 1,
                Setting.MAX_CONNECTIONS, 100, Setting.RATE_LIMIT, 1.0, Setting.RATE_LIMIT_BURST, 2));

        Warmup.Result result = Warmup.run(ExampleServer.ROOM, settings);

        assertThat(result.completed()).isEqualTo(300);
        assertThat(result.failed()).isZero();
        assertThat(result.took()).isLessThanOrEqualTo(Warmup.LIMIT.plusSeconds(3));
        assertThat(result.traffic().connections()).as("the room server's traffic holds 250").isEqualTo(250);
        assertThat(result.traffic().sent()).isGreaterThanOrEqualTo(150);
        // Each broadcast reaches the 249 others, longer than it was sent (it gains "from")
        assertThat(result.traffic().received()).isGreaterThan(249 * result.traffic().sentBytes());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theCopyOfAClusterNodeDoesNotJoinTheCluster() throws Exception {
        // An address nothing answers on: a copy that joined the cluster would wait out the startup timeout and refuse.
        Settings settings = Settings.with(Map.of(Setting.WARM_UP, 100, Setting.REDIS, "redis://127.0.0.1:1",
                Setting.HOST, "127.0.0.1", Setting.PORT, 0));

        Warmup.Result result = Warmup.run(ExampleServer.ECHO, settings);

        assertThat(result.completed()).isEqualTo(100);
        assertThat(result.failed()).isZero();
    }

    @Test
    void noWarmUpStartsNothing() throws Exception {
        Warmup.Result result = Warmup.run(ExampleServer.ECHO,
                Settings.with(Map.of(Setting.WARM_UP, 0, Setting.REDIS, "redis://127.0.0.1:1")));

        assertThat(result).isEqualTo(new Warmup.Result(0, 0, Duration.ZERO, TrafficWarmup.Result.NONE));
    }
}
