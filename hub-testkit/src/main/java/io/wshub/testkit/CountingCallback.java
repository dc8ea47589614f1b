package io.wshub.testkit;

import io.wshub.spi.SendCallback;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link SendCallback} that counts how it was completed, to check the promise "exactly once":
 * after a send, {@link #total()} must become 1 and stay 1.
 */
public final class CountingCallback implements SendCallback {

    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<Throwable> cause = new AtomicReference<>();
    private final CountDownLatch completed = new CountDownLatch(1);

    @Override
    public void succeeded() {
        succeeded.incrementAndGet();
        completed.countDown();
    }

    @Override
    public void failed(Throwable t) {
        cause.set(t);
        failed.incrementAndGet();
        completed.countDown();
    }

    /**
     * Waits until the callback has been completed, either way.
     *
     * @return this, to read how
     * @throws AssertionError when it has not been completed within {@code timeout}
     */
    public CountingCallback awaitCompletion(Duration timeout) {
        try {
            if (!completed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("the send was not completed within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return this;
    }

    /** How many times it succeeded. */
    public int succeededCount() {
        return succeeded.get();
    }

    /** How many times it failed. */
    public int failedCount() {
        return failed.get();
    }

    /** How many times it was completed, either way. */
    public int total() {
        return succeeded.get() + failed.get();
    }

    /** The cause of the latest failure, or null. */
    public Throwable cause() {
        return cause.get();
    }
}
