package io.wshub.client.pool;

import io.wshub.client.ClientClosedException;
import io.wshub.client.ClientHeaders;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.MessageHandler;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RetryPolicy;
import io.wshub.spi.ClientTransport;
import io.wshub.spi.Scheduler;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A pool of WebSocket connections to one or more hubs, in the classic connection-pool pattern:
 * {@link #borrow()} hands out an idle connection after checking it with a ping, or opens a new one
 * while the pool is below its maximum size (to the URLs in turn), or waits for one to be given
 * back. Connections idle longer than the idle timeout are closed; connections that fail (the
 * server closes them, the heartbeat finds them dead, the validation ping gets no pong) leave the
 * pool at once. {@link #close()} closes them all.
 *
 * <pre>{@code
 * try (ClientPool pool = WsHubClient.pool("ws://hub-1:8080/ws", "ws://hub-2:8080/ws").maxSize(4).build();
 *      PooledConnection connection = pool.borrow().get(30, TimeUnit.SECONDS)) {
 *     connection.sendText("{\"type\":\"broadcast\",\"content\":\"hi\"}").get();
 * }
 * }</pre>
 *
 * <p>A pooled connection does not reconnect: when it fails it is replaced by a new one at the next
 * borrow. Thread-safe; borrowing never blocks (wait on the future).
 */
public final class ClientPool implements AutoCloseable {

    /** A borrow waiting for a connection. */
    private static final class Waiter {
        final CompletableFuture<PooledConnection> future = new CompletableFuture<>();
        // Set by borrow() before the future's completion callback is registered, which publishes it.
        Scheduler.Cancellable timer;
        // New connections that failed for this borrow (it gives up after one per URL). Touched only
        // by the completion of its one open at a time, so one thread after another, never at once.
        int failedOpens;
    }

    private final ClientTransport transport;
    private final List<URI> urls;
    private final int maxSize;
    private final Duration idleTimeout;
    private final Duration validationTimeout;
    private final Duration borrowTimeout;
    private final ClientOptions clientOptions;
    private final ClientHeaders headers;
    private final MessageHandler handler;
    private final Scheduler scheduler;
    private final boolean closesTransport;

    private final Object lock = new Object();
    // All guarded by lock.
    private final Deque<PoolMember> idle = new ArrayDeque<>(); // most recently given back first
    private final Set<PoolMember> members = new HashSet<>();    // every member not GONE: the size bound
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private int nextUrl;
    private boolean closed;

    private ClientPool(Builder b) {
        this.transport = b.transport;
        this.urls = List.copyOf(b.urls);
        this.maxSize = b.maxSize;
        this.idleTimeout = b.idleTimeout;
        this.validationTimeout = b.validationTimeout;
        this.borrowTimeout = b.borrowTimeout;
        this.clientOptions = b.clientOptions.toBuilder().retryPolicy(RetryPolicy.never()).build();
        this.headers = b.headers;
        this.handler = b.handler;
        this.scheduler = b.scheduler != null ? b.scheduler : transport.scheduler();
        this.closesTransport = b.closesTransport;
    }

    /** A builder for a pool whose connections go through {@code transport}. */
    public static Builder builder(ClientTransport transport) {
        return new Builder(transport);
    }

    /**
     * Borrows a connection: a validated idle one, a new one, or the next one given back.
     *
     * @return the connection; fails with a {@link TimeoutException} when none is free within the
     *         borrow timeout, with the connect failure when a new connection to every URL failed,
     *         or with {@link ClientClosedException} when the pool is closed
     */
    public CompletableFuture<PooledConnection> borrow() {
        Waiter waiter = new Waiter();
        synchronized (lock) {
            if (closed) {
                waiter.future.completeExceptionally(poolClosed());
                return waiter.future;
            }
            waiters.addLast(waiter);
        }
        waiter.timer = scheduler.schedule(() -> timedOut(waiter), borrowTimeout);
        waiter.future.whenComplete((connection, error) -> waiter.timer.cancel());
        dispatch();
        return waiter.future;
    }

    /** How many connections the pool holds: idle, borrowed, and being opened or validated. */
    public int size() {
        synchronized (lock) {
            return members.size();
        }
    }

    /** How many connections wait in the pool for a borrower. */
    public int idleCount() {
        synchronized (lock) {
            return idle.size();
        }
    }

    /**
     * Closes every connection, borrowed ones included, and fails every waiting borrow; closes the
     * transport if the pool owns it. Calling it again is harmless.
     */
    @Override
    public void close() {
        List<PoolMember> toClose;
        List<Waiter> toFail;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(members);
            toFail = new ArrayList<>(waiters);
            members.clear();
            idle.clear();
            waiters.clear();
            toClose.forEach(m -> {
                m.state = PoolMember.State.GONE;
                m.cancelIdleTimer();
            });
        }
        toFail.forEach(w -> w.future.completeExceptionally(poolClosed()));
        toClose.stream().filter(m -> m.client != null).forEach(m -> m.client.close());
        if (closesTransport) {
            transport.close();
        }
    }

    // ---- handing out ----

    /** Serves waiting borrows while there are idle connections or room for new ones. */
    private void dispatch() {
        for (;;) {
            Waiter waiter;
            PoolMember member;
            boolean fresh;
            synchronized (lock) {
                if (closed || waiters.isEmpty()) {
                    return;
                }
                if (!idle.isEmpty()) {
                    member = idle.pollFirst();
                    member.cancelIdleTimer();
                    member.state = PoolMember.State.VALIDATING;
                    fresh = false;
                } else if (members.size() < maxSize) {
                    member = new PoolMember(urls.get(nextUrl));
                    nextUrl = (nextUrl + 1) % urls.size();
                    members.add(member);
                    fresh = true;
                } else {
                    return;
                }
                waiter = waiters.pollFirst();
            }
            if (fresh) {
                open(member, waiter);
            } else {
                validate(member, waiter);
            }
        }
    }

    private void open(PoolMember member, Waiter waiter) {
        ReconnectingClient.Builder client = ReconnectingClient.builder(transport).url(member.url)
                .options(clientOptions).headers(headers).scheduler(scheduler)
                .listener(new ClientListener() {
                    @Override
                    public void onStateChange(ClientState previous, ClientState current) {
                        if (current == ClientState.CLOSED) {
                            died(member);
                        }
                    }
                });
        if (handler != null) {
            client.onMessage(handler);
        }
        ReconnectingClient connected = client.connect();
        member.client = connected;
        boolean gone;
        synchronized (lock) {
            gone = member.state == PoolMember.State.GONE;
        }
        if (gone) {
            connected.close(); // the pool closed meanwhile (or the client already failed: harmless)
        }
        connected.whenOpen().whenComplete((ignored, error) -> {
            if (error == null) {
                handOut(member, waiter);
                return;
            }
            discard(member);
            waiter.failedOpens++;
            if (waiter.failedOpens >= urls.size()) {
                // The client reports "gave up" with the connect failure as the cause: that is the news.
                waiter.future.completeExceptionally(error.getCause() != null ? error.getCause() : error);
            } else {
                requeue(waiter); // the next new connection goes to the next URL
            }
        });
    }

    private void validate(PoolMember member, Waiter waiter) {
        member.client.ping(validationTimeout).whenComplete((rtt, error) -> {
            if (error == null) {
                handOut(member, waiter);
            } else {
                discard(member);
                requeue(waiter);
            }
        });
    }

    private void handOut(PoolMember member, Waiter waiter) {
        synchronized (lock) {
            if (member.state == PoolMember.State.GONE) {
                waiters.addFirst(waiter); // it died meanwhile; another will do
                member = null;
            } else {
                member.state = PoolMember.State.BORROWED;
            }
        }
        if (member == null) {
            dispatch();
        } else if (!waiter.future.complete(new PooledConnection(this, member))) {
            giveBack(member); // the borrow timed out meanwhile
        }
    }

    private void requeue(Waiter waiter) {
        if (waiter.future.isDone()) {
            return;
        }
        synchronized (lock) {
            waiters.addFirst(waiter);
        }
        dispatch();
    }

    private void timedOut(Waiter waiter) {
        int inUse;
        synchronized (lock) {
            waiters.remove(waiter);
            inUse = members.size();
        }
        waiter.future.completeExceptionally(new TimeoutException("no pooled connection became free within "
                + borrowTimeout + " (" + inUse + " of " + maxSize + " in use)"));
    }

    // ---- giving back, eviction, death ----

    void giveBack(PoolMember member) {
        boolean keep;
        synchronized (lock) {
            keep = !closed && member.state == PoolMember.State.BORROWED
                    && member.client.state() == ClientState.OPEN;
            if (keep) {
                member.state = PoolMember.State.IDLE;
                idle.addFirst(member);
                member.idleTimer = scheduler.schedule(() -> idledOut(member), idleTimeout);
            }
        }
        if (keep) {
            dispatch();
        } else {
            discard(member);
        }
    }

    private void idledOut(PoolMember member) {
        synchronized (lock) {
            if (member.state != PoolMember.State.IDLE) {
                return; // borrowed again meanwhile
            }
        }
        discard(member);
    }

    /** Closes the member's connection and removes it from the pool. */
    void discard(PoolMember member) {
        if (remove(member)) {
            member.client.close();
            dispatch();
        }
    }

    /** The member's client closed by itself (it failed): it leaves the pool, making room. */
    private void died(PoolMember member) {
        if (remove(member)) {
            dispatch();
        }
    }

    private boolean remove(PoolMember member) {
        synchronized (lock) {
            if (member.state == PoolMember.State.GONE) {
                return false;
            }
            member.state = PoolMember.State.GONE;
            member.cancelIdleTimer();
            idle.remove(member);
            members.remove(member);
            return true;
        }
    }

    private static ClientClosedException poolClosed() {
        return new ClientClosedException("the pool is closed", null);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ClientPool[" + members.size() + "/" + maxSize + ", " + idle.size() + " idle, " + urls + "]";
        }
    }

    /** Configures a {@link ClientPool}; at least one URL is required. */
    public static final class Builder {
        private final ClientTransport transport;
        private final List<URI> urls = new ArrayList<>();
        private int maxSize = 8;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration validationTimeout = Duration.ofSeconds(5);
        private Duration borrowTimeout = Duration.ofSeconds(30);
        private ClientOptions clientOptions = ClientOptions.defaults();
        private ClientHeaders headers = ClientHeaders.NONE;
        private MessageHandler handler;
        private Scheduler scheduler;
        private boolean closesTransport;

        private Builder(ClientTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /** Adds a server address ({@code ws://} or {@code wss://}); new connections go to the addresses in turn. */
        public Builder url(String url) {
            return url(URI.create(Objects.requireNonNull(url, "url")));
        }

        /** Adds a server address; see {@link #url(String)}. */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("url must start with ws:// or wss://, was " + url);
            }
            urls.add(url);
            return this;
        }

        /** Most connections at once, counting those borrowed and those being opened. Default 8. */
        public Builder maxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** How long a connection may wait unused in the pool before it is closed. Default 5 minutes. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** How long the ping before a hand-out may wait for its pong. Default 5 s. */
        public Builder validationTimeout(Duration validationTimeout) {
            this.validationTimeout = validationTimeout;
            return this;
        }

        /** How long a borrow may wait for a free connection. Default 30 s. */
        public Builder borrowTimeout(Duration borrowTimeout) {
            this.borrowTimeout = borrowTimeout;
            return this;
        }

        /** Options of each connection; its retry policy is always {@link RetryPolicy#never()}. */
        public Builder clientOptions(ClientOptions clientOptions) {
            this.clientOptions = Objects.requireNonNull(clientOptions, "clientOptions");
            return this;
        }

        /** Upgrade headers, computed for each new connection. */
        public Builder headers(ClientHeaders headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** Takes every inbound message of every connection; without it, use {@link PooledConnection#receive}. */
        public Builder onMessage(MessageHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The clock and timer; by default the transport's. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Whether {@link ClientPool#close()} also closes the transport. Default false. */
        public Builder closeTransportOnClose(boolean closes) {
            this.closesTransport = closes;
            return this;
        }

        /** Validates and builds; the pool opens connections only when they are borrowed. */
        public ClientPool build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("at least one url is required");
            }
            if (maxSize <= 0) {
                throw new IllegalArgumentException("maxSize must be > 0, was " + maxSize);
            }
            positive("idleTimeout", idleTimeout);
            positive("validationTimeout", validationTimeout);
            positive("borrowTimeout", borrowTimeout);
            return new ClientPool(this);
        }

        private static void positive(String field, Duration value) {
            Objects.requireNonNull(value, field);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(field + " must be positive, was " + value);
            }
        }
    }
}
