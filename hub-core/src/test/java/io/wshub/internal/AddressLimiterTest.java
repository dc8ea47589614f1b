package io.wshub.internal;

import io.wshub.AddressLimits;
import io.wshub.spi.Admission;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the per-address limits remember, and that it stays bounded whatever the number of
 * addresses an attacker has (docs/security.md).
 */
class AddressLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    /** The n-th address of 10.0.0.0/8 and beyond. */
    private static InetSocketAddress address(int n) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {
                (byte) (10 + (n >>> 24)), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}), 40_000);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAddressWithoutASessionIsForgottenOnceItsBucketIsFullAgain() {
        AddressLimiter limiter = new AddressLimiter(AddressLimits.of(0, 10, 5), 1_000, 100, 0);
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.acquire(address(i), 0)).isNull();
            limiter.release(address(i), 0);
        }
        assertThat(limiter.tracked()).isEqualTo(500); // each has a token to win back

        limiter.sweep(SECOND / 2); // within a second of the last sweep: nothing yet
        assertThat(limiter.tracked()).isEqualTo(500);
        limiter.sweep(SECOND);

        assertThat(limiter.tracked()).isZero();
    }

    @Test
    void anAddressHoldingASessionIsNeverForgotten() {
        AddressLimiter limiter = new AddressLimiter(AddressLimits.of(1, 10, 5), 1_000, 100, 0);
        assertThat(limiter.acquire(address(1), 0)).isNull();

        limiter.sweep(60 * SECOND);

        assertThat(limiter.tracked()).isEqualTo(1);
        assertThat(limiter.acquire(address(1), 60 * SECOND)).isNotNull(); // still at its limit
        limiter.release(address(1), 61 * SECOND);
        assertThat(limiter.tracked()).isZero(); // its last session gone and its bucket full
    }

    @Test
    void withoutARateLimitAnAddressIsForgottenWithItsLastSession() {
        AddressLimiter limiter = new AddressLimiter(AddressLimits.of(3, 0, 1), 1_000, 100, 0);
        limiter.acquire(address(1), 0);
        limiter.acquire(address(1), 0);
        limiter.release(address(1), 0);
        assertThat(limiter.tracked()).isEqualTo(1);

        limiter.release(address(1), 0);

        assertThat(limiter.tracked()).isZero();
    }

    @Test
    void offTracksNothing() {
        AddressLimiter limiter = new AddressLimiter(AddressLimits.NONE, 1_000, 100, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.acquire(address(i), 0)).isNull();
        }
        assertThat(limiter.tracked()).isZero();
    }

    @Test
    void aFloodFromAMillionAddressesKeepsTheTableNearItsCapAndEveryAddressHoldingSessions() {
        int idleCap = 1_000;
        AddressLimiter limiter = new AddressLimiter(AddressLimits.of(2, 1, 2), idleCap, 50, 0);
        for (int i = 0; i < 50; i++) { // 50 addresses hold two sessions each
            assertThat(limiter.acquire(address(i), 0)).isNull();
            assertThat(limiter.acquire(address(i), 0)).isNull();
        }
        int mostTracked = 0;
        for (int i = 50; i < 1_000_050; i++) { // every other address makes one upgrade, all in the same second
            limiter.acquire(address(i), i);
            limiter.release(address(i), i);
            mostTracked = Math.max(mostTracked, limiter.tracked());
        }

        assertThat(mostTracked).isLessThanOrEqualTo(idleCap + 50);
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.acquire(address(i), SECOND)).as("address %d, at its session limit", i)
                    .extracting(Admission.Refused::reason).isEqualTo(Admission.Refused.TOO_MANY_SESSIONS_FROM_ADDRESS);
        }
    }

    @Test
    void anAddressForgottenAtTheCapStartsWithAFullBucketAgain() {
        AddressLimiter limiter = new AddressLimiter(AddressLimits.of(0, 0.001, 1), 1, 0, 0);
        limiter.acquire(address(0), 0);
        limiter.release(address(0), 0);
        assertThat(limiter.acquire(address(0), 0)).isNotNull(); // its one token is spent for 1 000 s

        limiter.acquire(address(1), 0); // the table is full: address 0 is forgotten to make room
        limiter.release(address(1), 0);

        assertThat(limiter.tracked()).isEqualTo(1);
        assertThat(limiter.acquire(address(0), 0)).as("forgotten, so served again").isNull();
    }

    @Test
    void concurrentAdmissionsAndReleasesOfOneAddressNeverPassItsLimitAndGiveEverySlotBack() throws Exception {
        AddressLimiter limiter = new AddressLimiter(AddressLimits.of(8, 0, 1), 1_000, 1_000, 0);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            int[] held = new int[1];
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    int most = 0;
                    for (int i = 0; i < 20_000; i++) {
                        if (limiter.acquire(address(7), 0) == null) {
                            synchronized (held) {
                                most = Math.max(most, ++held[0]);
                            }
                            synchronized (held) {
                                held[0]--;
                            }
                            limiter.release(address(7), 0);
                        }
                    }
                    return most;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isLessThanOrEqualTo(8);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(limiter.tracked()).isZero();
        for (int i = 0; i < 8; i++) {
            assertThat(limiter.acquire(address(7), 0)).isNull();
        }
        assertThat(limiter.acquire(address(7), 0)).isNotNull();
    }
}
