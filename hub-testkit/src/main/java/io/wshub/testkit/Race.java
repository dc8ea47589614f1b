package io.wshub.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs actions on threads of their own, released at once, to race them; for the kits' tests. */
final class Race {

    private Race() {
    }

    /**
     * Starts each action on a thread of its own, releases them together while this thread runs
     * {@code alongside}, and waits up to {@code timeout} for each to finish.
     */
    static void run(Duration timeout, Runnable alongside, Runnable... racers) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Runnable racer : racers) {
            Thread t = new Thread(() -> {
                try {
                    if (go.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        racer.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        alongside.run();
        for (Thread t : threads) {
            t.join(timeout.toMillis());
        }
    }
}
