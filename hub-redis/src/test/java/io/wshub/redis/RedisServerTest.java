package io.wshub.redis;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the Redis tests behave where no redis-server is installed. */
class RedisServerTest {

    @Test
    void withoutRedisTheTestsAreSkippedWithAnInstallHint() {
        assertThatThrownBy(() -> RedisServer.requireInstalled(null, null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get update && apt-get install -y redis-server");
    }

    @Test
    void withoutRedisOnCiTheTestsFail() {
        assertThatThrownBy(() -> RedisServer.requireInstalled(null, "true"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install -y redis-server")
                .hasMessageContaining("CI=true");
    }

    @Test
    void withRedisInstalledTheTestsRun() {
        assertThatCode(() -> RedisServer.requireInstalled(Path.of("/usr/bin/redis-server"), "true")).doesNotThrowAnyException();
    }
}
