package io.wshub.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The warm-up's second part: messages through many connections held open at once, as the server
 * will run them. A fan-out to a thousand sessions compiles what a fan-out to eight does not (the
 * loop over recipients, a flush per recipient, one frame per write, then batches in a burst), and
 * without it the JIT compiles those in the first seconds of real traffic, on the cores that serve it.
 *
 * <p>All of it runs on the calling thread: one selector reads every connection, and the frames
 * are sent between its waits at the pace the kind of server asks for.
 */
final class TrafficWarmup {

    /** How long frames are sent: at 100 a second and a burst every 100 ms, some 600 fan-outs to a thousand. */
    static final Duration SENDING = Duration.ofMillis(1_500);
    /** The whole of it, opening and closing the connections included, ends within this. */
    static final Duration LIMIT = Duration.ofSeconds(4);
    /**
     * Every 100 ms one sender sends this many frames back to back, so that queues hold more than
     * one frame, writes take batches and rings grow and shrink, as in a burst of real traffic: code
     * compiled on one frame per write only is thrown away at the first batch (an uncommon trap, then
     * the interpreter, then a new compilation, while clients wait).
     */
    private static final int BURST = 32;
    private static final long BURST_INTERVAL_NANOS = Duration.ofMillis(100).toNanos();
    /**
     * The frames' payload sizes, in turn, where the text allows: on both sides of a bucket boundary
     * of the size histograms and on it (64, a common frame size too): a compiled search that has
     * met only some of those cases traps on the others.
     */
    private static final int[] SIZES = {24, 64, 100, 125};
    /** How long the copy of the server may leave a connection silent while it is being opened. */
    private static final int SILENCE_MILLIS = 2_000;
    /** Once the last frame is sent, what is still to come comes within this. */
    private static final long QUIET_NANOS = Duration.ofMillis(200).toNanos();

    private TrafficWarmup() {
    }

    /**
     * What one kind of server is warmed with.
     *
     * @param path            the endpoint the connections open
     * @param connections     how many are held open at most
     * @param text            the text of the frames, with {@code %s} where the padding to each size goes; under 126
     *                        bytes without it, so that no frame needs an extended length
     * @param everyoneSends   every connection sends in turn (an echo), else the first one only (a fan-out to the others)
     * @param framesPerSecond the pace of the frames, all senders together, bursts aside, for {@link #SENDING}
     */
    record Traffic(String path, int connections, String text, boolean everyoneSends, int framesPerSecond) {
        Traffic {
            if (!text.contains("%s") || text.formatted("").getBytes(StandardCharsets.UTF_8).length > SIZES[SIZES.length - 1]) {
                throw new IllegalArgumentException("a warm-up text needs a %s for the padding, and at most "
                        + SIZES[SIZES.length - 1] + " bytes without it (no extended length): " + text);
            }
        }

        /** The frames a client sends, one per size: masked, with an all-zero mask that leaves the payload as it is. */
        ByteBuffer[] frames() {
            ByteBuffer[] frames = new ByteBuffer[SIZES.length];
            for (int i = 0; i < frames.length; i++) {
                byte[] payload = payload(text, i);
                frames[i] = ByteBuffer.allocate(6 + payload.length).put((byte) 0x81).put((byte) (0x80 | payload.length))
                        .putInt(0).put(payload).flip();
            }
            return frames;
        }

        /** The text padded to the i-th size, or as it is when longer. */
        private static byte[] payload(String text, int i) {
            int unpadded = text.formatted("").getBytes(StandardCharsets.UTF_8).length;
            return text.formatted("x".repeat(Math.max(0, SIZES[i] - unpadded))).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * What the traffic did.
     *
     * @param connections the connections opened
     * @param sent        the frames sent
     * @param sentBytes   their payloads' bytes
     * @param receivedBy  the bytes the server sent on each connection (in the order they were opened)
     *                    from the first frame sent until it fell quiet
     * @param took        how long it all took
     */
    record Result(int connections, int sent, long sentBytes, List<Long> receivedBy, Duration took) {
        /** Copies the list. */
        Result {
            receivedBy = List.copyOf(receivedBy);
        }

        /** Nothing opened, nothing sent. */
        static final Result NONE = new Result(0, 0, 0, List.of(), Duration.ZERO);

        /** The bytes received on all connections together. */
        long received() {
            return receivedBy.stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Opens up to {@code connections} connections to {@code port} on 127.0.0.1, sends the traffic
     * through them, closes them, all within {@link #LIMIT}. Opening stops at the first connection
     * the server does not open; sending stops at the first frame it does not take at once.
     *
     * @throws IOException when no selector can be opened
     */
    static Result run(Traffic traffic, int port, int connections) throws IOException {
        long start = System.nanoTime();
        long deadline = start + LIMIT.toNanos();
        URI endpoint = URI.create("ws://127.0.0.1:" + port + traffic.path());
        List<SocketChannel> open = new ArrayList<>();
        try (Reader reader = new Reader()) {
            try {
                while (open.size() < connections && System.nanoTime() < deadline) {
                    SocketChannel channel = upgraded(endpoint);
                    if (channel == null) {
                        break;
                    }
                    open.add(channel);
                    reader.add(channel);
                    reader.readFor(0); // what the server says to each newcomer (a room server's presence) must not pile up
                }
                reader.restartCount();
                Sent sent = send(traffic, open, reader, Math.min(deadline, System.nanoTime() + SENDING.toNanos()));
                reader.readUntilQuiet(deadline);
                List<Long> receivedBy = reader.byConnection();
                for (SocketChannel channel : open) {
                    try {
                        channel.write(Warmup.closeFrame());
                    } catch (IOException e) {
                        // the server closed it already: nothing to say goodbye to
                    }
                }
                reader.readUntilEveryoneClosed(deadline);
                return new Result(open.size(), sent.frames, sent.bytes, receivedBy, Duration.ofNanos(System.nanoTime() - start));
            } finally {
                for (SocketChannel channel : open) {
                    channel.close();
                }
            }
        }
    }

    /**
     * Sends the traffic's frames at its pace, and its bursts, until {@code end}, reading between
     * them; stops early at the first frame the server does not take at once (it reads that
     * connection no faster: a warm-up need not wait for it).
     */
    private static Sent send(Traffic traffic, List<SocketChannel> open, Reader reader, long end) throws IOException {
        Sent sent = new Sent(traffic.frames());
        if (open.isEmpty()) {
            return sent;
        }
        long interval = 1_000_000_000L / traffic.framesPerSecond();
        long next = System.nanoTime();
        long nextBurst = next + BURST_INTERVAL_NANOS;
        for (long now = next; now < end; now = System.nanoTime()) {
            for (int tick = 0; next <= now; next += interval, tick++) {
                SocketChannel sender = open.get(traffic.everyoneSends() ? sent.frames % open.size() : 0);
                boolean burst = tick == 0 && now >= nextBurst;
                if (burst) {
                    nextBurst += BURST_INTERVAL_NANOS;
                }
                for (int i = burst ? BURST : 1; i > 0; i--) {
                    if (!sent.one(sender)) {
                        return sent;
                    }
                }
            }
            reader.readFor(next - now);
        }
        return sent;
    }

    /** The frames sent so far and their payloads' bytes; each next one of the next size. */
    private static final class Sent {
        private final ByteBuffer[] sizes;
        int frames;
        long bytes;

        Sent(ByteBuffer[] sizes) {
            this.sizes = sizes;
        }

        /** Sends the next frame on {@code sender}; whether the server took all of it at once (and the connection stood). */
        boolean one(SocketChannel sender) {
            ByteBuffer frame = sizes[frames % sizes.length].duplicate();
            int payload = frame.remaining() - 6;
            try {
                sender.write(frame);
            } catch (IOException e) {
                return false;
            }
            if (frame.hasRemaining()) {
                return false;
            }
            frames++;
            bytes += payload;
            return true;
        }
    }

    /**
     * A connection upgraded over a blocking channel, then made non-blocking; null when the server
     * would not open it.
     */
    private static SocketChannel upgraded(URI endpoint) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), SILENCE_MILLIS);
            channel.socket().setSoTimeout(SILENCE_MILLIS);
            channel.write(ByteBuffer.wrap(Warmup.upgradeRequest(endpoint).getBytes(StandardCharsets.US_ASCII)));
            if (!Warmup.switched(Warmup.responseHead(channel.socket().getInputStream()))) {
                channel.close();
                return null;
            }
            channel.configureBlocking(false);
            return channel;
        } catch (IOException e) {
            channel.close();
            return null;
        }
    }

    /** Reads whatever the server sends on every connection added, counting it by connection. */
    private static final class Reader implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        /** Each connection's count, in the order added; each key's attachment is its own. */
        private final List<long[]> counts = new ArrayList<>();
        /** Connections the server has not closed. */
        private int live;

        Reader() throws IOException {
        }

        void add(SocketChannel channel) throws IOException {
            long[] count = new long[1];
            channel.register(selector, SelectionKey.OP_READ, count);
            counts.add(count);
            live++;
        }

        /** Counts from zero again. */
        void restartCount() {
            counts.forEach(count -> count[0] = 0);
        }

        List<Long> byConnection() {
            List<Long> by = new ArrayList<>(counts.size());
            counts.forEach(count -> by.add(count[0]));
            return by;
        }

        /** Reads what arrives within {@code nanos} (what has arrived, when under a millisecond); whether anything had. */
        boolean readFor(long nanos) throws IOException {
            long millis = nanos / 1_000_000;
            if (millis == 0) {
                selector.selectNow();
            } else {
                selector.select(millis);
            }
            if (selector.selectedKeys().isEmpty()) {
                return false;
            }
            for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                SelectionKey key = keys.next();
                keys.remove();
                SocketChannel channel = (SocketChannel) key.channel();
                long[] count = (long[]) key.attachment();
                int read;
                try {
                    while ((read = channel.read(buffer.clear())) > 0) {
                        count[0] += read;
                    }
                } catch (IOException e) {
                    read = -1;
                }
                if (read < 0) {
                    key.cancel();
                    live--;
                }
            }
            return true;
        }

        /** Reads until nothing has arrived for {@link #QUIET_NANOS}, or the deadline. */
        void readUntilQuiet(long deadline) throws IOException {
            for (long now = System.nanoTime(); now < deadline; now = System.nanoTime()) {
                if (!readFor(Math.min(QUIET_NANOS, deadline - now))) {
                    return;
                }
            }
        }

        /** Reads until the server has closed every connection, or the deadline. */
        void readUntilEveryoneClosed(long deadline) throws IOException {
            for (long now = System.nanoTime(); now < deadline && live > 0; now = System.nanoTime()) {
                readFor(deadline - now);
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
        }
    }
}
