package io.wshub.client;

import io.wshub.Message;
import io.wshub.OutboundStream;
import io.wshub.internal.StreamSender;
import io.wshub.internal.Checks;
import io.wshub.spi.ClientTransport;
import io.wshub.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A WebSocket client that stays connected: it reconnects with exponential backoff and full jitter,
 * fails over across several URLs, detects dead connections by heartbeat, buffers what is sent
 * while offline and sends it, in order, once connected again — after its {@link RestoreHook}s have
 * restored the server-side state (rooms, subscriptions).
 *
 * <pre>{@code
 * ReconnectingClient client = ReconnectingClient.builder(transport)
 *         .url("ws://hub-1:8080/ws").url("ws://hub-2:8080/ws")
 *         .headers(url -> Map.of("Authorization", "Bearer " + currentToken()))
 *         .onMessage(frame -> System.out.println(frame.text()))
 *         .connect();
 * client.sendText("{\"type\":\"broadcast\",\"content\":\"hi\"}");
 * }</pre>
 *
 * <p>hub-client's {@code WsHubClient} builds one on Jetty's WebSocket client. The client moves
 * through {@link ClientState}s; see {@link ClientOptions} for every timing and limit, and
 * {@link RetryPolicy} for which failures end it.
 *
 * <h2>Threads</h2>
 * Thread-safe; no method blocks except {@link #receive} and {@link #close}. The client's work and
 * every callback (listener, message handler, restore hooks, reply predicates) run one at a time on
 * the transport's threads, its timer's, or a thread that called the client; callbacks must be quick
 * and must not block. Futures returned by the client complete on those threads too: use the
 * {@code ...Async} variants for slow dependents.
 *
 * <h2>Delivery</h2>
 * A send's future completes when the message has been written to the network, which is not proof
 * that the server processed it. A message is written at most once: if the connection breaks while
 * it is being written, its future fails with {@link ConnectionLostException} and it is not sent
 * again. Messages still buffered are never lost silently — their futures fail when they are
 * dropped, time out, or the client closes. A {@link RoomClient} on top of this client does better
 * against a server with the delivery guarantees: it resumes its session, sends again what the
 * server did not acknowledge (the server removes duplicates), and completes each send with the ack.
 */
public final class ReconnectingClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingClient.class);

    private final ClientMachine machine;
    private final ClientTransport transport;
    private final boolean closesTransport;
    // Completes when the client is closed and, if it owns its transport, the transport's close has run.
    private final CompletableFuture<Void> released;

    private ReconnectingClient(Builder config) {
        this.machine = new ClientMachine(config);
        this.transport = config.transport;
        this.closesTransport = config.closesTransport;
        // Also when the client gives up by itself: an owned transport must not keep its threads.
        this.released = closesTransport
                ? machine.terminated().thenRun(transport::close)
                : machine.terminated();
    }

    /** A builder for a client that connects through {@code transport}. */
    public static Builder builder(ClientTransport transport) {
        return new Builder(transport);
    }

    /** The state machine, for the room client on top of this client. */
    ClientMachine machine() {
        return machine;
    }

    /** Where the client is now. */
    public ClientState state() {
        return machine.state();
    }

    /** The URL of the current connection or attempt (or of the next attempt, while waiting). */
    public URI url() {
        return machine.url();
    }

    /** The options the client was built with. */
    public ClientOptions options() {
        return machine.options();
    }

    /**
     * Sends a message: written at once when open and nothing is waiting before it, else buffered
     * and written in order once open. Never blocks.
     *
     * @return completes when the message is written; fails with {@link MessageDroppedException},
     *         {@link SendTimeoutException}, {@link ConnectionLostException} (broken during the write)
     *         or {@link ClientClosedException}
     * @throws IllegalArgumentException if the frame is larger than {@link ClientOptions#maxMessageBytes()}
     */
    public CompletableFuture<Void> send(Message frame) {
        checkSize(frame);
        CompletableFuture<Void> written = new CompletableFuture<>();
        machine.post(() -> machine.send(frame, written));
        return written;
    }

    /** Sends a text message; see {@link #send(Message)}. */
    public CompletableFuture<Void> sendText(String text) {
        return send(Message.text(text));
    }

    /**
     * Opens an outbound message sent as a stream of chunks, each {@link OutboundStream#write} one
     * WebSocket frame of it, so that the message is never held whole (its size is not bounded by
     * {@link ClientOptions#maxMessageBytes()}):
     *
     * <pre>{@code
     * ReconnectingClient client = ReconnectingClient.builder(transport).url("ws://hub-1:8080/binary").connect();
     * OutboundStream out = client.stream(false); // binary
     * out.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2}), false)
     *         .thenCompose(v -> out.write(java.nio.ByteBuffer.wrap(new byte[] {3}), true)); // true ends the message
     * }</pre>
     *
     * <p>The message takes its place in the send buffer now, as one buffered message, like a
     * {@link #send}: what was sent before it is written first, what is sent after it waits until its
     * last chunk is written. While it waits there it may be dropped by the overflow policy or time
     * out ({@link ClientOptions#sendTimeout()}); then, or when the client closes, or when the
     * connection breaks before its last chunk is written, every unwritten chunk's future fails, and
     * the stream is not sent again over a later connection. Once its turn comes the send timeout no
     * longer applies: the sender sets the pace, and a server that reads nothing is found by the
     * heartbeat. At most {@link ClientOptions#streamWindow()} chunks may wait unwritten.
     *
     * @param text whether the message is text (its chunks are UTF-8 bytes, split anywhere), else binary
     */
    public OutboundStream stream(boolean text) {
        StreamSender stream = new StreamSender(text, options().streamWindow(), () -> { });
        CompletableFuture<Void> done = new CompletableFuture<>();
        done.whenComplete((v, failed) -> {
            if (failed != null) {
                stream.fail(failed);
            }
        });
        machine.post(() -> machine.sendStream(stream, done));
        return stream;
    }

    /**
     * Sends a message and completes with the first inbound frame that {@code isReply} accepts
     * (that frame is still delivered as an ordinary message too). The reply may arrive over a later
     * connection when the request was buffered.
     *
     * @return the reply; fails as {@link #send} does, or with a {@link TimeoutException} when no
     *         reply came within {@code timeout} of this call
     */
    public CompletableFuture<Message> request(Message frame, Predicate<Message> isReply, Duration timeout) {
        checkSize(frame);
        Objects.requireNonNull(isReply, "isReply");
        Checks.positive("timeout", timeout);
        CompletableFuture<Message> reply = new CompletableFuture<>();
        machine.post(() -> machine.request(frame, isReply, timeout, reply));
        return reply;
    }

    /**
     * Takes the next inbound message, waiting up to {@code timeout}. Only for clients built
     * without {@link Builder#onMessage}: they keep up to {@link ClientOptions#receiveQueueMessages()}
     * unread messages and stop reading from the server while that many wait.
     *
     * @return the message, or empty if none came in time
     * @throws ClientClosedException when the client is closed and every message has been taken
     * @throws IllegalStateException if the client hands its messages to a handler
     */
    public Optional<Message> receive(Duration timeout) throws InterruptedException, ClientClosedException {
        Objects.requireNonNull(timeout, "timeout");
        Mailbox mailbox = machine.mailbox();
        if (mailbox == null) {
            throw new IllegalStateException("receive() is for clients built without onMessage(...) or onChunk(...);"
                    + " this one hands every message to its handler");
        }
        return mailbox.take(timeout);
    }

    /**
     * Pings the server now.
     *
     * @return the round-trip time when the pong arrives; fails with a {@link TimeoutException} if
     *         none comes within {@code timeout}, or with a {@link ClientException} if the client
     *         is not open
     */
    public CompletableFuture<Duration> ping(Duration timeout) {
        Checks.positive("timeout", timeout);
        CompletableFuture<Duration> rtt = new CompletableFuture<>();
        machine.post(() -> machine.ping(timeout, rtt));
        return rtt;
    }

    /**
     * Completes when the client is open: at once if it is, else at the next time it becomes so.
     * Fails with {@link ClientClosedException} if the client closes first.
     */
    public CompletableFuture<Void> whenOpen() {
        CompletableFuture<Void> open = new CompletableFuture<>();
        machine.post(() -> machine.whenOpen(open));
        return open;
    }

    /**
     * Closes the client for good: no more attempts; the connection gets a close frame (1000) and is
     * dropped if the server does not answer within {@link ClientOptions#closeTimeout()}; every
     * buffered send fails with {@link ClientClosedException}; a transport the client owns is
     * closed, releasing its threads and sockets. Waits for that, up to the close timeout, unless it
     * is called from one of the client's own callbacks (then it finishes in the background).
     * Calling it again is harmless.
     */
    @Override
    public void close() {
        machine.post(machine::close);
        if (machine.isOnExecutorThread()) {
            return; // the close runs after the current callback returns; waiting here would never end
        }
        try {
            released.get(options().closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing the client did not finish cleanly", e);
        }
        if (closesTransport) {
            transport.close(); // the close above may have run on a transport thread: wait for the release here
        }
    }

    @Override
    public String toString() {
        return "ReconnectingClient[" + url() + ", " + state() + "]";
    }

    private void checkSize(Message frame) {
        Objects.requireNonNull(frame, "frame");
        long max = options().maxMessageBytes();
        if (frame.size() > max) {
            throw new IllegalArgumentException("frame of " + frame.size()
                    + " bytes is larger than maxMessageBytes (" + max + ")");
        }
    }

    /**
     * Configures and starts a {@link ReconnectingClient}. At least one URL is required; everything
     * else has a default.
     */
    public static final class Builder {

        final ClientTransport transport;
        final List<URI> urls = new ArrayList<>();
        final List<RestoreHook> restoreHooks = new ArrayList<>();
        ClientOptions options = ClientOptions.defaults();
        ClientHeaders headers = ClientHeaders.NONE;
        ClientListener listener = ClientListener.NONE;
        MessageHandler handler;
        ChunkHandler chunkHandler;
        ClientProtocol protocol = ClientProtocol.NONE;
        Scheduler scheduler;
        boolean closesTransport;
        boolean randomFirstUrl;
        DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(ClientTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /**
         * Adds a server address, {@code ws://} or {@code wss://}. With several, the first attempt
         * goes to the first one added, and a failed attempt moves on to the next one, in turn, as
         * does a connection whose server said it goes away (its {@code server_shutdown} notice, or a
         * close with 1001); a connection lost otherwise is first retried at its own address.
         * Every move keeps the session's resume state, so a room client resumes on the next node.
         */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("url must start with ws:// or wss://, was " + url);
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException("url must name a host, was " + url);
            }
            urls.add(url);
            return this;
        }

        /**
         * Adds the addresses of equivalent nodes (every node of a cluster, say) and starts at a
         * random one of them, so that clients spread over the nodes; after that they take turns as
         * with {@link #url(URI)}: a failed attempt or a server going away moves on to the next.
         *
         * @throws IllegalArgumentException if the list is empty or an address is not {@code ws://} or {@code wss://}
         */
        public Builder urls(List<URI> urls) {
            Objects.requireNonNull(urls, "urls");
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("urls must name at least one address");
            }
            urls.forEach(this::url);
            randomFirstUrl = true;
            return this;
        }

        /** Adds a server address; see {@link #url(URI)}. */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("url is not a valid URI: " + url, e);
            }
            return url(uri);
        }

        /** Timings and limits. */
        public Builder options(ClientOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The upgrade request's headers, computed afresh for every attempt. */
        public Builder headers(ClientHeaders headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /**
         * Sends {@code Authorization: Bearer T} with a token asked of {@code token} for every
         * attempt; the same as {@code headers(ClientHeaders.bearer(token))}.
         */
        public Builder token(Supplier<String> token) {
            return headers(ClientHeaders.bearer(token));
        }

        /** Hears state changes and failures. */
        public Builder listener(ClientListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Takes every inbound message. Without one, messages wait for {@link ReconnectingClient#receive}.
         *
         * @throws IllegalStateException if the builder has a {@link #onChunk chunk handler}
         */
        public Builder onMessage(MessageHandler handler) {
            Objects.requireNonNull(handler, "handler");
            if (chunkHandler != null) {
                throw new IllegalStateException("this builder takes messages as chunks (onChunk); it cannot also take them whole");
            }
            this.handler = handler;
            return this;
        }

        /**
         * Takes every inbound message as a stream of chunks, one frame's payload at a time, reading
         * the next chunk only once the handler released this one, so that no message is held whole:
         *
         * <pre>{@code
         * ReconnectingClient client = ReconnectingClient.builder(transport)
         *         .url("ws://hub-1:8080/binary")
         *         .options(ClientOptions.builder().maxStreamBytes(1L << 30).build()) // up to 1 GiB a message
         *         .onChunk(chunk -> {
         *             // chunk.isText(), isFirst(), isLast(), data(): valid until release()
         *             chunk.release();
         *         })
         *         .connect();
         * }</pre>
         *
         * <p>Every message, text or binary, comes as chunks (a one-frame message as one chunk that is
         * first and last); each chunk is held to {@link ClientOptions#maxMessageBytes()}, the message's
         * chunks together to {@link ClientOptions#maxStreamBytes()}, and one byte more closes with 1009.
         * A streamed text message is checked as UTF-8 as it arrives (1007 when invalid). A streaming
         * client has no {@link ReconnectingClient#receive} and its {@link ReconnectingClient#request}s
         * get no replies, and it cannot carry a {@link RoomClient}.
         *
         * @throws IllegalStateException if the builder has a {@link #onMessage message handler}
         */
        public Builder onChunk(ChunkHandler handler) {
            Objects.requireNonNull(handler, "handler");
            if (this.handler != null) {
                throw new IllegalStateException("this builder takes messages whole (onMessage); it cannot also take them as chunks");
            }
            if (protocol != ClientProtocol.NONE) {
                throw new IllegalStateException("a RoomClient takes whole messages; it cannot take them as chunks");
            }
            this.chunkHandler = handler;
            return this;
        }

        /** Adds a hook that restores server-side state on every new connection; hooks run in the order added. */
        public Builder restoreHook(RestoreHook hook) {
            restoreHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /** The clock and timer; by default the transport's. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Whether {@link ReconnectingClient#close()} also closes the transport (for a transport made
         * for this client alone). Default false: a shared transport outlives its clients.
         */
        public Builder closeTransportOnClose(boolean closes) {
            this.closesTransport = closes;
            return this;
        }

        /** The session protocol on top of the frames (the room client's). */
        Builder protocol(ClientProtocol protocol) {
            if (chunkHandler != null) {
                throw new IllegalStateException("this builder takes messages as chunks (onChunk); a RoomClient needs them whole");
            }
            if (this.protocol != ClientProtocol.NONE) {
                throw new IllegalStateException("this builder already has a session protocol (a RoomClient was connected with it)");
            }
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /** Where the jitter comes from: uniform in [0, 1). For tests. */
        Builder jitter(DoubleSupplier jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /**
         * Builds the client and starts its first attempt; returns at once, before it is open.
         *
         * @throws IllegalStateException if no URL was given
         */
        public ReconnectingClient connect() {
            ReconnectingClient client = build();
            client.machine.start();
            return client;
        }

        /** Builds the client without starting it, for the room client that attaches to it first. */
        ReconnectingClient build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("at least one url is required");
            }
            return new ReconnectingClient(this);
        }
    }
}
