package io.wshub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Named checks: each with its timeout, status, duration, error and metadata, run off the caller's thread. */
class HealthChecksTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofSeconds(5);

    private final HealthChecks checks = new HealthChecks();
    /** Holds the hanging checks until the test ends. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHangingChecks() {
        release.countDown();
    }

    private List<HealthChecks.Outcome> run() throws Exception {
        return checks.run().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private HealthCheck hanging(AtomicInteger starts) {
        return () -> {
            starts.incrementAndGet();
            release.await();
            return HealthCheck.Result.up();
        };
    }

    @Test
    void eachCheckReportsItsStatusErrorAndMetadataInTheOrderAdded() throws Exception {
        checks.add("db", LONG, () -> HealthCheck.Result.up(Map.of("pool", 8)))
                .add("cache", LONG, () -> HealthCheck.Result.down("cache is cold", Map.of("hitRate", 0.1)))
                .add("disk", LONG, () -> {
                    throw new IllegalStateException("disk full");
                });

        List<HealthChecks.Outcome> outcomes = run();

        assertThat(outcomes).extracting(HealthChecks.Outcome::name).containsExactly("db", "cache", "disk");
        assertThat(outcomes.get(0).healthy()).isTrue();
        assertThat(outcomes.get(0).error()).isEmpty();
        assertThat(outcomes.get(0).metadata()).isEqualTo(Map.of("pool", 8));
        assertThat(outcomes.get(1).healthy()).isFalse();
        assertThat(outcomes.get(1).error()).isEqualTo("cache is cold");
        assertThat(outcomes.get(1).metadata()).isEqualTo(Map.of("hitRate", 0.1));
        assertThat(outcomes.get(2).healthy()).isFalse();
        assertThat(outcomes.get(2).error()).isEqualTo("the check threw java.lang.IllegalStateException: disk full");
        assertThat(outcomes).allSatisfy(o -> assertThat(o.duration()).isLessThanOrEqualTo(LONG));
    }

    @Test
    void aCheckPastItsTimeoutIsDownAndTheRunDoesNotWaitForIt() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        checks.add("quick", LONG, HealthCheck.Result::up).add("hangs", Duration.ofMillis(200), hanging(starts));

        List<HealthChecks.Outcome> outcomes = run();

        assertThat(release.getCount()).as("the hanging check is still running").isEqualTo(1);
        assertThat(outcomes.get(0).healthy()).isTrue();
        HealthChecks.Outcome hung = outcomes.get(1);
        assertThat(hung.healthy()).isFalse();
        assertThat(hung.error()).isEqualTo("timed out after 200 ms");
        assertThat(hung.duration()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aCheckStillRunningIsNotStartedAgainUntilItReturns() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        checks.add("hangs", Duration.ofMillis(100), hanging(starts));

        run();
        run();
        run();
        assertThat(starts).as("one thread held, however many requests").hasValue(1);

        release.countDown();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> run().get(0).healthy());
        assertThat(starts).hasValue(2);
    }

    @Test
    void checksRunOnTheirOwnThreadsNotTheCallers() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        checks.add("where", LONG, () -> {
            thread.set(Thread.currentThread().getName());
            return HealthCheck.Result.up();
        });

        run();

        assertThat(thread.get()).startsWith("wshub-health-").isNotEqualTo(Thread.currentThread().getName());
    }

    @Test
    void aNonBlockingCheckRunsOnTheCallersThread() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        checks.add("memory", LONG, (HealthCheck.NonBlocking) () -> {
            thread.set(Thread.currentThread());
            return HealthCheck.Result.up();
        });

        CompletableFuture<List<HealthChecks.Outcome>> run = checks.run();

        assertThat(run).as("done before run() returned").isDone();
        assertThat(thread.get()).isSameAs(Thread.currentThread());
        assertThat(run.get().get(0).healthy()).isTrue();
    }

    @Test
    void checksAreAddedAndRemovedByName() throws Exception {
        checks.add("a", LONG, HealthCheck.Result::up).add("b", LONG, () -> HealthCheck.Result.down("no"));
        assertThat(checks.names()).containsExactly("a", "b");

        assertThat(checks.remove("b")).isTrue();
        assertThat(checks.remove("b")).isFalse();

        assertThat(run()).extracting(HealthChecks.Outcome::name).containsExactly("a");
        assertThat(new HealthChecks().run().get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
    }

    @Test
    void aNameIsTakenOnceAndATimeoutMustBePositive() {
        checks.add("a", LONG, HealthCheck.Result::up);
        assertThatThrownBy(() -> checks.add("a", LONG, HealthCheck.Result::up))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a check named a is already added");
        assertThatThrownBy(() -> checks.add(" ", LONG, HealthCheck.Result::up))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a check's name must not be blank");
        assertThatThrownBy(() -> checks.add("b", Duration.ZERO, HealthCheck.Result::up))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout of check b must be positive, was PT0S");
        assertThatThrownBy(() -> HealthCheck.Result.down(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HealthCheck.Result(true, "but broken", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
