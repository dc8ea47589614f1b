package io.wshub.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.internal.SerialQueue;
import io.wshub.internal.InboundChunk;
import io.wshub.internal.StreamSender;
import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.MessageTooLargeException;
import io.wshub.spi.ClientConnection;
import io.wshub.spi.ClientTransport;
import io.wshub.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The reconnecting client's state machine: attempts with backoff and failover, the handshake and
 * restore timeouts, endings and the retry decision, and the final close. Its {@link Inbound}
 * delivers messages and runs the heartbeat; its {@link Outbound} buffers and writes.
 *
 * <p>Every method that reads or writes its state runs on one {@link SerialQueue}: the public
 * facade, the transport's callbacks (through {@link Link}) and the timers all {@link #post} their
 * work there. So the state needs no lock, events are handled in the order they happened, and user
 * callbacks (listener, handler, hooks) are called one at a time, never while a lock is held.
 */
final class ClientMachine {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingClient.class);
    private static final CloseStatus INVALID_PAYLOAD = new CloseStatus(1007, "Invalid UTF-8");

    private final ClientTransport transport;
    private final List<URI> urls;
    private final ClientOptions options;
    private final ClientHeaders headers;
    private final ClientListener listener;
    private final ClientProtocol protocol;
    private final List<RestoreHook> restoreHooks; // the protocol's restore first, then the builder's hooks
    private final Scheduler scheduler;
    private final SerialQueue<Runnable> serial = new SerialQueue<>(Runnable::run);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    // Confined to the executor.
    private final Backoff backoff;
    private final ReplyWaiters replies = new ReplyWaiters();
    private final Inbound inbound;
    private final Outbound outbound;
    private final List<CompletableFuture<Void>> openWaiters = new ArrayList<>();
    private Link link;              // the current attempt or connection; null while waiting to retry
    private int urlIndex;
    private boolean everOpen;
    private long lostAtNanos;                 // when the last open connection ended
    private Map<String, String> sentHeaders;  // the headers of the current attempt
    private Map<String, String> nextHeaders;  // computed while deciding on a retry, for the next attempt
    private Scheduler.Cancellable retryTimer;
    private ClientException gaveUpOn; // the failure that closed the client, if one did

    // Written on the executor, read from any thread.
    private volatile ClientState state = ClientState.CONNECTING;
    private volatile URI currentUrl;

    ClientMachine(ReconnectingClient.Builder config) {
        this.transport = config.transport;
        this.urls = List.copyOf(config.urls);
        this.options = config.options;
        this.headers = config.headers;
        this.listener = config.listener;
        this.protocol = config.protocol;
        List<RestoreHook> hooks = new ArrayList<>();
        hooks.add(protocol::restore);
        hooks.addAll(config.restoreHooks);
        this.restoreHooks = List.copyOf(hooks);
        this.scheduler = config.scheduler != null ? config.scheduler : transport.scheduler();
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff(), config.jitter);
        this.inbound = new Inbound(this, scheduler, options, replies, protocol, config.handler, config.chunkHandler);
        this.outbound = new Outbound(this, scheduler, options);
        this.urlIndex = config.randomFirstUrl ? Math.min(urls.size() - 1, (int) (config.jitter.getAsDouble() * urls.size())) : 0;
        this.currentUrl = urls.get(urlIndex);
    }

    // ---- reached from any thread ----

    void post(Runnable task) {
        serial.offer(task);
    }

    boolean isOnExecutorThread() {
        return serial.isConsumingOnCurrentThread();
    }

    ClientState state() {
        return state;
    }

    URI url() {
        return currentUrl;
    }

    ClientOptions options() {
        return options;
    }

    Mailbox mailbox() {
        return inbound.mailbox();
    }

    /** Completes when the client has closed (by request or by giving up). */
    CompletableFuture<Void> terminated() {
        return terminated;
    }

    void start() {
        post(this::attempt);
    }

    // ---- everything below runs on the executor ----

    boolean isCurrent(Link l) {
        return l == link;
    }

    /** The current attempt or connection; null while waiting to retry or after the close. */
    Link currentLink() {
        return link;
    }

    private void attempt() {
        retryTimer = null;
        if (state == ClientState.CLOSED) {
            return;
        }
        URI url = urls.get(urlIndex);
        currentUrl = url;
        Link l = new Link(this, url, !everOpen);
        link = l;
        Map<String, String> given = nextHeaders;
        nextHeaders = null;
        sentHeaders = null;
        URI target;
        try {
            if (given == null) {
                given = headers.forAttempt(url);
            }
            target = protocol.attemptUrl(url);
        } catch (RuntimeException e) {
            ended(l, new ConnectFailedException(url, "computing the headers for " + url + " failed: " + e, e));
            return;
        }
        sentHeaders = given;
        // The transport's idle timeout is only a backstop: the heartbeat notices silence first.
        ClientConnectRequest request = new ClientConnectRequest(target, requestHeaders(given), options.handshakeTimeout(),
                options.maxMessageBytes(), options.pongTimeout().multipliedBy(2),
                inbound.streams() ? options.maxStreamBytes() : 0);
        Scheduler.Cancellable deadline = schedule(options.handshakeTimeout(), () -> handshakeTimedOut(l));
        CompletableFuture<ClientConnection> connecting;
        try {
            connecting = transport.connect(request, l);
        } catch (RuntimeException e) {
            connecting = CompletableFuture.failedFuture(e);
        }
        l.attempting(target, connecting, deadline);
        connecting.whenComplete((connection, error) -> post(() -> connected(l, connection, error)));
    }

    private static Map<String, List<String>> requestHeaders(Map<String, String> given) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (given != null) {
            given.forEach((name, value) -> headers.put(name, List.of(value)));
        }
        return headers;
    }

    private void connected(Link l, ClientConnection connection, Throwable error) {
        if (l != link) {
            if (connection != null) {
                connection.abort(); // too late: timed out, closed or replaced meanwhile
            }
            return;
        }
        l.handshakeAnswered();
        if (error != null) {
            ended(l, connectFailure(l.url, l.target(), error));
            return;
        }
        l.upgraded(connection, schedule(options.restoreTimeout(), () -> restoreTimedOut(l)));
        inbound.start(l);
        restore(l, 0);
    }

    /**
     * The failure of an attempt, told with the configured url: the address the attempt used may
     * carry a credential in its query (a resume token), which must not reach logs and listeners.
     */
    private static ClientException connectFailure(URI url, URI target, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof HandshakeRefusedException refused) {
            return target.equals(url) ? refused : refused.withUrl(url);
        }
        if (cause instanceof ClientException known && target.equals(url)) {
            return known;
        }
        String told = String.valueOf(cause).replace(target.toString(), url.toString());
        return new ConnectFailedException(url, "could not connect to " + url + ": " + told, cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private void handshakeTimedOut(Link l) {
        if (l == link && l.phase() == Link.Phase.HANDSHAKING) {
            dropped(l, new ConnectFailedException(l.url, "handshake with " + l.url + " did not complete within "
                    + options.handshakeTimeout(), new TimeoutException()));
        }
    }

    private void restore(Link l, int index) {
        if (l != link) {
            return;
        }
        if (index == restoreHooks.size()) {
            opened(l);
            return;
        }
        CompletionStage<?> stage;
        try {
            stage = restoreHooks.get(index).restore(new LinkRestoreContext(this, l));
        } catch (RuntimeException e) {
            dropped(l, restoreFailure(l, e));
            return;
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((ignored, error) -> post(() -> {
            if (l != link) {
                return;
            }
            if (error != null) {
                dropped(l, restoreFailure(l, error));
            } else {
                restore(l, index + 1);
            }
        }));
    }

    private static ClientException restoreFailure(Link l, Throwable error) {
        Throwable cause = unwrap(error);
        return new ConnectFailedException(l.url, "restoring state on " + l.url + " failed: " + cause, cause);
    }

    private void restoreTimedOut(Link l) {
        if (l == link && l.phase() == Link.Phase.RESTORING) {
            dropped(l, new ConnectFailedException(l.url, "restoring state on " + l.url + " did not complete within "
                    + options.restoreTimeout(), new TimeoutException()));
        }
    }

    private void opened(Link l) {
        l.opened(scheduler.nanoTime());
        everOpen = true;
        setState(ClientState.OPEN);
        openWaiters.forEach(f -> f.complete(null));
        openWaiters.clear();
        outbound.pump(l);
    }

    // ---- events of a link, from the transport ----

    void inbound(Link l, Message frame) {
        inbound.message(l, frame);
    }

    void inboundChunk(Link l, InboundChunk chunk) {
        inbound.chunk(l, chunk);
    }

    void chunkReleased(Link l) {
        inbound.chunkReleased(l);
    }

    void pong(Link l) {
        inbound.pong(l);
    }

    /** The protocol heard the current connection's server announce its shutdown. */
    void serverLeaving() {
        if (link != null) {
            link.serverLeaving();
        }
    }

    void closedByPeer(Link l, CloseStatus status) {
        if (status.code() == CloseStatus.SERVER_SHUTDOWN.code()) {
            l.serverLeaving(); // 1001: the server goes away, so the next attempt goes to the next address
        }
        if (!l.closeAnswered() && l == link) {
            ended(l, ConnectionLostException.closed(l.url, status, l.lastError()));
        }
    }

    // ---- endings and retries ----

    /** A message the server sent was refused (too large: 1009, not UTF-8: 1007): the connection closes with that status. */
    void refused(Link l, Throwable cause) {
        if (l != link || l.connection() == null) {
            return;
        }
        CloseStatus status = cause instanceof MessageTooLargeException ? CloseStatus.MESSAGE_TOO_BIG : INVALID_PAYLOAD;
        ClientConnection connection = l.connection();
        connection.close(status);
        schedule(options.closeTimeout(), connection::abort); // a server that never answers the close
        ended(l, new ConnectionLostException(l.url, status, "refused a message from " + l.url + ": " + cause.getMessage(), cause));
    }

    /** We give up on this attempt or connection: drop it and handle the ending. */
    void dropped(Link l, ClientException cause) {
        if (l.connection() != null) {
            l.connection().abort();
        } else if (l.connecting() != null) {
            l.connecting().cancel(true);
        }
        ended(l, cause);
    }

    private void ended(Link l, ClientException cause) {
        boolean wasOpen = l.phase() == Link.Phase.OPEN;
        boolean stable = wasOpen
                && scheduler.nanoTime() - l.openedAtNanos() >= options.backoffResetAfter().toNanos();
        l.end();
        link = null;
        l.cancelTimers();
        failLinkWaiters(l, cause); // the write in flight, if any, ends through its own callback
        if (wasOpen) {
            lostAtNanos = scheduler.nanoTime();
        }
        protocol.lost(cause);
        // A failed attempt, or a server that said it goes away, fails over to the next address; a
        // connection lost otherwise is first tried again at its own.
        int nextUrl = wasOpen && !l.isServerLeaving() ? urlIndex : (urlIndex + 1) % urls.size();
        if (!shouldRetry(cause, new Retrying(urls.get(nextUrl)))) {
            log.warn("giving up on {}: {}", l.url, cause.getMessage());
            notifyFailure(new ClientFailure(l.url, cause, null));
            shutDown(cause);
            return;
        }
        if (stable) {
            backoff.reset();
        }
        urlIndex = nextUrl;
        Duration wait = atLeastAsked(backoff.next(), cause);
        log.info("{}; next attempt in {} ms", cause.getMessage(), wait.toMillis());
        notifyFailure(new ClientFailure(l.url, cause, wait));
        setState(everOpen ? ClientState.RECONNECTING : ClientState.CONNECTING);
        retryTimer = schedule(wait, this::attempt);
    }

    /** The backoff's wait, or the server's {@code Retry-After} when that is longer: it says when it will serve us. */
    private static Duration atLeastAsked(Duration backoffWait, ClientException cause) {
        if (cause instanceof HandshakeRefusedException refused) {
            Duration asked = refused.retryAfter().orElse(Duration.ZERO);
            return asked.compareTo(backoffWait) > 0 ? asked : backoffWait;
        }
        return backoffWait;
    }

    private boolean shouldRetry(ClientException cause, RetryContext context) {
        try {
            return options.retryPolicy().shouldRetry(cause, context);
        } catch (RuntimeException e) {
            log.warn("retry policy failed; retrying", e);
            return true;
        }
    }

    /** The retry policy's view of the client, for the attempt that would come next (at {@code next}). */
    private final class Retrying implements RetryContext {
        private final URI next;
        private final Map<String, String> refusedHeaders = sentHeaders;

        Retrying(URI next) {
            this.next = next;
        }

        @Override
        public boolean wasOpen() {
            return everOpen;
        }

        @Override
        public Optional<Duration> sinceLastOpen() {
            return everOpen ? Optional.of(Duration.ofNanos(scheduler.nanoTime() - lostAtNanos)) : Optional.empty();
        }

        @Override
        public boolean credentialsChanged() {
            try {
                Map<String, String> fresh = headers.forAttempt(next);
                nextHeaders = fresh; // the next attempt sends what this decision was made on
                return refusedHeaders != null && !refusedHeaders.equals(fresh);
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    private void failLinkWaiters(Link l, Throwable cause) {
        if (l.inFlight() != null && l.inFlight().stream() != null) {
            l.inFlight().stream().fail(cause); // a stream waiting for its sender has no write to end it
        }
        for (PendingSend send : l.restoreSends) {
            send.future().completeExceptionally(cause);
        }
        l.restoreSends.clear();
        for (Link.PingWaiter ping : l.pings) {
            ping.rtt().completeExceptionally(cause);
        }
        l.pings.clear();
        replies.failOwnedBy(l, cause);
    }

    // ---- sending ----

    void send(Message frame, CompletableFuture<Void> written) {
        if (state == ClientState.CLOSED) {
            written.completeExceptionally(closedException());
        } else {
            outbound.send(frame, written, null);
        }
    }

    void sendStream(StreamSender stream, CompletableFuture<Void> done) {
        if (state == ClientState.CLOSED) {
            done.completeExceptionally(closedException());
        } else {
            outbound.sendStream(stream, done);
        }
    }

    /**
     * Sends the frame in turn with the buffer, but only on the connection upgraded now (restoring or
     * open): if that one ends before it is written, it is dropped unwritten and its future
     * completes, because what it does is then the next connection's restore's job. Without an
     * upgraded connection it is dropped at once. For a protocol's own messages (a room join) that
     * its restore would repeat.
     */
    void sendOnConnection(Message frame, CompletableFuture<Void> written) {
        Link l = link;
        if (l == null || l.connection() == null || state == ClientState.CLOSED) {
            written.complete(null);
        } else {
            outbound.send(frame, written, l);
        }
    }

    void restoreSend(Link l, Message frame, CompletableFuture<Void> written) {
        outbound.restoreSend(l, frame, written);
    }

    void restoreRequest(Link l, Message frame, Predicate<Message> isReply, CompletableFuture<Message> reply) {
        replies.add(new ReplyWaiters.Waiter(isReply, reply, l));
        outbound.restoreSend(l, frame, failingOnError(reply));
    }

    void request(Message frame, Predicate<Message> isReply, Duration timeout, CompletableFuture<Message> reply) {
        if (state == ClientState.CLOSED) {
            reply.completeExceptionally(closedException());
            return;
        }
        ReplyWaiters.Waiter waiter = new ReplyWaiters.Waiter(isReply, reply, null);
        replies.add(waiter);
        Scheduler.Cancellable timer = schedule(timeout, () -> {
            replies.remove(waiter);
            reply.completeExceptionally(new TimeoutException("no reply within " + timeout));
        });
        reply.whenComplete((ignored, error) -> timer.cancel());
        outbound.send(frame, failingOnError(reply), null);
    }

    /** A write future that fails {@code reply} when the write fails. */
    private static CompletableFuture<Void> failingOnError(CompletableFuture<Message> reply) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        written.whenComplete((ignored, error) -> {
            if (error != null) {
                reply.completeExceptionally(error);
            }
        });
        return written;
    }

    // ---- ping, open waiters ----

    void ping(Duration timeout, CompletableFuture<Duration> rtt) {
        Link l = link;
        if (state == ClientState.CLOSED) {
            rtt.completeExceptionally(closedException());
            return;
        }
        if (l == null || l.phase() != Link.Phase.OPEN) {
            rtt.completeExceptionally(new ClientException("not connected (" + state + ")", null));
            return;
        }
        Link.PingWaiter ping = new Link.PingWaiter(scheduler.nanoTime(), rtt);
        l.pings.add(ping);
        Scheduler.Cancellable timer = schedule(timeout, () -> {
            l.pings.remove(ping);
            rtt.completeExceptionally(new TimeoutException("no pong from " + l.url + " within " + timeout));
        });
        rtt.whenComplete((ignored, error) -> timer.cancel());
        inbound.ping(l);
    }

    void whenOpen(CompletableFuture<Void> open) {
        if (state == ClientState.OPEN) {
            open.complete(null);
        } else if (state == ClientState.CLOSED) {
            open.completeExceptionally(closedException());
        } else {
            openWaiters.add(open);
        }
    }

    // ---- closing ----

    void close() {
        shutDown(null);
    }

    private void shutDown(ClientException cause) {
        if (state == ClientState.CLOSED) {
            return;
        }
        gaveUpOn = cause;
        ClientClosedException closed = closedException();
        Link.cancel(retryTimer);
        retryTimer = null;
        Link l = link;
        link = null;
        if (l != null) {
            l.cancelTimers();
            failLinkWaiters(l, closed);
            closeLink(l);
        }
        outbound.close(closed);
        protocol.closed(closed);
        replies.failAll(closed);
        openWaiters.forEach(f -> f.completeExceptionally(closed));
        openWaiters.clear();
        inbound.close(closed);
        setState(ClientState.CLOSED);
        terminated.complete(null);
    }

    private void closeLink(Link l) {
        ClientConnection connection = l.connection();
        if (connection == null) {
            l.end();
            if (l.connecting() != null) {
                l.connecting().cancel(true);
            }
            return;
        }
        l.closing(schedule(options.closeTimeout(), connection::abort)); // a server that never answers the close
        connection.close(CloseStatus.NORMAL);
    }

    private ClientClosedException closedException() {
        return gaveUpOn == null
                ? new ClientClosedException("the client is closed", null)
                : new ClientClosedException("the client gave up: " + gaveUpOn.getMessage(), gaveUpOn);
    }

    // ---- helpers ----

    private void setState(ClientState next) {
        ClientState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        try {
            listener.onStateChange(previous, next);
        } catch (RuntimeException e) {
            log.warn("client listener failed", e);
        }
    }

    private void notifyFailure(ClientFailure failure) {
        try {
            listener.onFailure(failure);
        } catch (RuntimeException e) {
            log.warn("client listener failed", e);
        }
    }

    /** The client's clock. */
    long nanoTime() {
        return scheduler.nanoTime();
    }

    /** Runs the task on the executor after the delay. */
    Scheduler.Cancellable schedule(Duration delay, Runnable task) {
        try {
            return scheduler.schedule(() -> post(task), delay);
        } catch (RejectedExecutionException e) {
            // The transport (and its timer) was closed under us: nothing can happen any more.
            log.error("the client's scheduler refused a task; closing the client", e);
            post(() -> shutDown(new ClientException("the transport's scheduler is shut down", e)));
            return () -> {
            };
        }
    }
}
