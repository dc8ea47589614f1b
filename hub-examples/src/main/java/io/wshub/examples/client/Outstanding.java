package io.wshub.examples.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The terminal's sends that have not finished yet, counted rather than kept (a pipe may send
 * millions of lines): {@link #allDone()} completes once every one added has, however it ended.
 */
final class Outstanding {

    private final AtomicInteger open = new AtomicInteger(1); // 1: adding has not ended
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    void add(CompletableFuture<?> send) {
        open.incrementAndGet();
        send.whenComplete((ignored, error) -> finishOne());
    }

    /** No more sends: completes when the ones added have finished. */
    CompletableFuture<Void> allDone() {
        finishOne();
        return done;
    }

    private void finishOne() {
        if (open.decrementAndGet() == 0) {
            done.complete(null);
        }
    }
}
