package io.wshub.client;

import io.wshub.Message;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Inbound messages waiting for {@link ReconnectingClient#receive}. It tells the client when it is
 * full, so the client stops reading (the server then holds what it cannot deliver), and calls
 * {@code onRoom} when a receive makes room again. Thread-safe: the client adds on its thread,
 * receivers take on theirs.
 */
final class Mailbox {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final int capacity;
    private final Runnable onRoom;
    // All guarded by lock.
    private final ArrayDeque<Message> frames = new ArrayDeque<>();
    private ClientClosedException closed;

    Mailbox(int capacity, Runnable onRoom) {
        this.capacity = capacity;
        this.onRoom = onRoom;
    }

    /**
     * Adds a message; it is always taken, even past the capacity (the client stops reading instead
     * of losing what already arrived).
     *
     * @return whether there is room for another
     */
    boolean offer(Message frame) {
        lock.lock();
        try {
            frames.addLast(frame);
            notEmpty.signal();
            return frames.size() < capacity;
        } finally {
            lock.unlock();
        }
    }

    /** Whether there is room for another message. */
    boolean hasRoom() {
        lock.lock();
        try {
            return frames.size() < capacity;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the oldest message, waiting up to {@code timeout} for one.
     *
     * @return the message, or empty when none came in time
     * @throws ClientClosedException when the client is closed and every message has been taken
     */
    Optional<Message> take(Duration timeout) throws InterruptedException, ClientClosedException {
        long remaining = timeout.toNanos();
        Message frame;
        boolean madeRoom;
        lock.lock();
        try {
            while (frames.isEmpty()) {
                if (closed != null) {
                    throw closed;
                }
                if (remaining <= 0) {
                    return Optional.empty();
                }
                remaining = notEmpty.awaitNanos(remaining);
            }
            madeRoom = frames.size() == capacity;
            frame = frames.pollFirst();
        } finally {
            lock.unlock();
        }
        if (madeRoom) {
            onRoom.run();
        }
        return Optional.of(frame);
    }

    /** No more messages will come; waiting receivers wake up. Messages already here can still be taken. */
    void close(ClientClosedException cause) {
        lock.lock();
        try {
            closed = cause;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return frames.size();
        } finally {
            lock.unlock();
        }
    }
}
