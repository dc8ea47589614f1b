package io.wshub.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Hands items to a consumer one at a time, in the order they were offered, on the threads that
 * offer them: the first to find the queue idle consumes every item offered until it is idle
 * again; the others return at once. So what the consumer touches needs no lock of its own, an
 * offering thread never waits for another's work, and nothing is consumed twice at once. This is
 * the one serializer of hub-core: the inbound pipeline delivers a connection's events through it,
 * and the reconnecting client runs its state machine's tasks on it.
 *
 * <p>A queue made {@linkplain #SerialQueue(Consumer, boolean) held} keeps what is offered until
 * {@link #release()}. What the consumer throws is logged, and the items behind it are consumed all
 * the same. Internal to hub-core: public only for its other packages.
 *
 * @param <T> the items
 */
public final class SerialQueue<T> {

    private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);

    private final Consumer<? super T> consumer;

    // Guarded by "this".
    private final ArrayDeque<T> items = new ArrayDeque<>(2);
    private boolean held;
    /** The thread consuming now, or null; read without the lock only to compare with the current one. */
    private volatile Thread consuming;

    /** A queue that consumes from the first offer on. */
    public SerialQueue(Consumer<? super T> consumer) {
        this(consumer, false);
    }

    /** @param held whether to keep what is offered until {@link #release()} */
    public SerialQueue(Consumer<? super T> consumer, boolean held) {
        this.consumer = consumer;
        this.held = held;
    }

    /** Queues an item; consumes it, and what follows, on this thread if no other thread is consuming. */
    public void offer(T item) {
        synchronized (this) {
            items.addLast(item);
            if (held || consuming != null) {
                return;
            }
            consuming = Thread.currentThread();
        }
        drain();
    }

    /** Lets a held queue consume; what waited is consumed now, on this thread unless another is at it. */
    public void release() {
        synchronized (this) {
            held = false;
            if (consuming != null || items.isEmpty()) {
                return;
            }
            consuming = Thread.currentThread();
        }
        drain();
    }

    /** Whether the current thread is consuming this queue's items (it is inside the consumer). */
    public boolean isConsumingOnCurrentThread() {
        return consuming == Thread.currentThread();
    }

    /** Consumes until the queue is empty; the caller has made itself the consuming thread. */
    private void drain() {
        for (;;) {
            T item;
            synchronized (this) {
                item = items.pollFirst();
                if (item == null) {
                    consuming = null;
                    return;
                }
            }
            try {
                consumer.accept(item);
            } catch (RuntimeException | Error e) { // one broken item must not stop the ones behind it
                log.error("a serial consumer failed on {}; going on with the next", item.getClass().getSimpleName(), e);
            }
        }
    }
}
