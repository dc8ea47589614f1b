package io.wshub.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UpgradeWarmupTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void everyUpgradeOfTheWarmUpSucceedsThoughTheServerRequiresATokenAndLimitsItsClientsAddress() throws Exception {
        // Both would refuse the warm-up's own upgrades (401, then 429 after the first): the copy has neither.
        Settings settings = Settings.with(Map.of(Setting.WARM_UP, 300, Setting.JWT_SECRET, SECRET,
                Setting.UPGRADES_PER_SECOND_PER_ADDRESS, 1.0, Setting.UPGRADE_BURST_PER_ADDRESS, 1));

        UpgradeWarmup.Result result = UpgradeWarmup.run(ExampleServer.ROOM, settings);

        assertThat(result.completed()).isEqualTo(300);
        assertThat(result.failed()).isZero();
        assertThat(result.took()).isLessThanOrEqualTo(UpgradeWarmup.LIMIT.plusSeconds(3));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theCopyOfAClusterNodeDoesNotJoinTheCluster() throws Exception {
        // An address nothing answers on: a copy that joined the cluster would wait out the startup timeout and refuse.
        Settings settings = Settings.with(Map.of(Setting.WARM_UP, 100, Setting.REDIS, "redis://127.0.0.1:1",
                Setting.HOST, "127.0.0.1", Setting.PORT, 0));

        UpgradeWarmup.Result result = UpgradeWarmup.run(ExampleServer.ECHO, settings);

        assertThat(result.completed()).isEqualTo(100);
        assertThat(result.failed()).isZero();
    }

    @Test
    void noWarmUpStartsNothing() throws Exception {
        UpgradeWarmup.Result result = UpgradeWarmup.run(ExampleServer.ECHO,
                Settings.with(Map.of(Setting.WARM_UP, 0, Setting.REDIS, "redis://127.0.0.1:1")));

        assertThat(result).isEqualTo(new UpgradeWarmup.Result(0, 0, Duration.ZERO));
    }
}
