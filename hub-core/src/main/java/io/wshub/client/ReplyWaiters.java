package io.wshub.client;

import io.wshub.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Requests waiting for their reply: each inbound frame completes every waiter whose predicate
 * accepts it. Not thread-safe: the client's serial executor confines it.
 */
final class ReplyWaiters {

    private static final Logger log = LoggerFactory.getLogger(ReplyWaiters.class);

    /** One waiting request; {@code owner} is the connection it depends on, or null if it may outlive it. */
    record Waiter(Predicate<Message> isReply, CompletableFuture<Message> reply, Link owner) {
    }

    private final List<Waiter> waiters = new ArrayList<>();

    void add(Waiter waiter) {
        waiters.add(waiter);
    }

    void remove(Waiter waiter) {
        waiters.remove(waiter);
    }

    /** Completes and removes every waiter that takes this frame as its reply. */
    void offer(Message frame) {
        Iterator<Waiter> it = waiters.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            if (w.reply().isDone()) {
                it.remove(); // cancelled by its caller
            } else if (accepts(w, frame)) {
                it.remove();
                w.reply().complete(frame);
            }
        }
    }

    /** Fails the waiters that depend on this connection. */
    void failOwnedBy(Link owner, Throwable cause) {
        failIf(w -> w.owner() == owner, cause);
    }

    /** Fails every waiter. */
    void failAll(Throwable cause) {
        failIf(w -> true, cause);
    }

    private void failIf(Predicate<Waiter> which, Throwable cause) {
        List<Waiter> failed = new ArrayList<>();
        waiters.removeIf(w -> which.test(w) && failed.add(w));
        failed.forEach(w -> w.reply().completeExceptionally(cause));
    }

    private static boolean accepts(Waiter waiter, Message frame) {
        try {
            return waiter.isReply().test(frame);
        } catch (RuntimeException e) {
            log.warn("reply predicate failed; taking the frame as no reply", e);
            return false;
        }
    }
}
