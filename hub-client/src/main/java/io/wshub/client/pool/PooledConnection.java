package io.wshub.client.pool;

import io.wshub.Message;
import io.wshub.client.ClientClosedException;
import io.wshub.client.ReconnectingClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A connection borrowed from a {@link ClientPool}. Use it, then give it back with {@link #close()}
 * (try-with-resources), or {@link #invalidate()} it if it misbehaved. After either, every method
 * throws {@link IllegalStateException}. Thread-safe.
 *
 * <p>Without a pool-wide message handler, messages the server sends wait for {@link #receive};
 * unread ones stay with the connection for its next borrower.
 */
public final class PooledConnection implements AutoCloseable {

    private final ClientPool pool;
    private final PoolMember member;
    private final AtomicBoolean given = new AtomicBoolean();

    PooledConnection(ClientPool pool, PoolMember member) {
        this.pool = pool;
        this.member = member;
    }

    /** The address this connection is to. */
    public URI url() {
        return member.url;
    }

    /** Sends a message; see {@link ReconnectingClient#send}. */
    public CompletableFuture<Void> send(Message frame) {
        return client().send(frame);
    }

    /** Sends a text message; see {@link ReconnectingClient#send}. */
    public CompletableFuture<Void> sendText(String text) {
        return client().sendText(text);
    }

    /** Sends a message and waits for its reply; see {@link ReconnectingClient#request}. */
    public CompletableFuture<Message> request(Message frame, Predicate<Message> isReply, Duration timeout) {
        return client().request(frame, isReply, timeout);
    }

    /** Takes the next inbound message; see {@link ReconnectingClient#receive}. */
    public Optional<Message> receive(Duration timeout) throws InterruptedException, ClientClosedException {
        return client().receive(timeout);
    }

    /** Gives the connection back to the pool. Calling it again is harmless. */
    @Override
    public void close() {
        if (given.compareAndSet(false, true)) {
            pool.giveBack(member);
        }
    }

    /** Closes the connection and removes it from the pool, instead of giving it back. */
    public void invalidate() {
        if (given.compareAndSet(false, true)) {
            pool.discard(member);
        }
    }

    private ReconnectingClient client() {
        if (given.get()) {
            throw new IllegalStateException("this connection was given back to the pool");
        }
        return member.client;
    }

    @Override
    public String toString() {
        return "PooledConnection[" + member.url + (given.get() ? ", given back]" : "]");
    }
}
