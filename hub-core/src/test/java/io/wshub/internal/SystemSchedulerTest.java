package io.wshub.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class SystemSchedulerTest {

    /**
     * A hub's last session may close, and the hub stop its timer, while {@code Hub.shutdown()} is
     * still scheduling its grace-period task: that late schedule must not throw into the caller.
     */
    @Test
    void aTaskScheduledAfterShutdownIsIgnored() {
        SystemScheduler scheduler = new SystemScheduler("test-timer");
        scheduler.shutdown();
        AtomicBoolean ran = new AtomicBoolean();

        assertThatCode(() -> scheduler.schedule(() -> ran.set(true), Duration.ZERO).cancel()).doesNotThrowAnyException();
        assertThat(ran).isFalse();
    }
}
