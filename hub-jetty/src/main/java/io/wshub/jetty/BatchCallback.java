package io.wshub.jetty;

import io.wshub.spi.SendCallback;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Completes one {@link SendCallback} for a write of several frames, exactly once: when the last
 * frame is written, or at the first failure (the frames after a failed one cannot be delivered
 * anyway, and the hub drops the connection on a failure).
 */
final class BatchCallback implements Callback {

    private final SendCallback target;
    private final AtomicInteger remaining;
    private final AtomicBoolean completed = new AtomicBoolean();

    BatchCallback(int frames, SendCallback target) {
        this.target = target;
        this.remaining = new AtomicInteger(frames);
    }

    @Override
    public void succeeded() {
        if (remaining.decrementAndGet() == 0 && completed.compareAndSet(false, true)) {
            target.succeeded();
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (completed.compareAndSet(false, true)) {
            target.failed(cause);
        }
    }

    /** Whether the target was told already (every frame written, or one failed). */
    boolean isCompleted() {
        return completed.get();
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // the hub's writer never blocks in its callback
    }
}
