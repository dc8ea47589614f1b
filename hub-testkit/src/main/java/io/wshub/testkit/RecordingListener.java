package io.wshub.testkit;

import io.wshub.CloseStatus;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A listener that records what a transport reports on one connection, and notices the promises it
 * breaks: overlapping callbacks, a second close, anything after the close. It serves both sides:
 * a server {@link Connection} (see {@link RecordingAcceptor}) and a client
 * {@link io.wshub.spi.ClientConnection}, whose listener has the same events and promises.
 *
 * <p>It may demand by itself after each message ({@code autoDemand}), or leave every demand to the
 * test. It demands from the connection {@link #attach attached} to it; a client-side listener is
 * attached once the connection is open.
 *
 * <pre>{@code
 * ClientConnectRequest request = new ClientConnectRequest(java.net.URI.create("ws://127.0.0.1:8080/ws"),
 *         Map.of(), Duration.ofSeconds(10), 65_536, Duration.ofMinutes(5));
 * RecordingListener<ClientConnection> events = new RecordingListener<>(true, ClientConnection::demand);
 * ClientConnection connection = transport.connect(request, events).get(10, TimeUnit.SECONDS);
 * events.attach(connection);
 * connection.demand();
 * // ... let the server send, then:
 * assertEquals(List.of(), events.violations());
 * }</pre>
 *
 * @param <C> the connection it demands from
 */
public final class RecordingListener<C> implements ClientConnectionListener {

    /**
     * One reported event.
     *
     * @param kind   text, binary, chunk, ping, pong, error or close
     * @param text   a text message's text, an error's description, or for a chunk its place:
     *               {@code text} or {@code binary}, then {@code first} and/or {@code last} where they apply
     * @param bytes  a binary message's or a pong's payload
     * @param status a close's status
     */
    public record Event(String kind, String text, byte[] bytes, CloseStatus status) {
    }

    private final boolean autoDemand;
    private final Consumer<? super C> demand;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger inCallback = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile C connection;
    private volatile boolean closed;
    /** Chunks are kept unreleased until the test releases them ({@link #holdChunks()}). */
    private volatile boolean holdChunks;
    private final Deque<Runnable> held = new ConcurrentLinkedDeque<>();

    /**
     * A listener not attached yet.
     *
     * @param autoDemand whether it demands the next message after each one it gets
     * @param demand     how to demand from the connection, e.g. {@code Connection::demand}
     */
    public RecordingListener(boolean autoDemand, Consumer<? super C> demand) {
        this.autoDemand = autoDemand;
        this.demand = Objects.requireNonNull(demand, "demand");
    }

    /** The connection it reports on, and demands from; before any demand. */
    public RecordingListener<C> attach(C connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        return this;
    }

    /**
     * The connection attached.
     *
     * @throws AssertionError when none is
     */
    public C connection() {
        C c = connection;
        if (c == null) {
            throw new AssertionError("no connection attached to this listener");
        }
        return c;
    }

    /** Everything reported so far, in order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The text and binary messages reported so far, in order. */
    public List<Event> messages() {
        List<Event> m = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals("text") || e.kind().equals("binary")) {
                m.add(e);
            }
        }
        return m;
    }

    /** How many events of this kind were reported. */
    public long count(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
    }

    /** How many closes were reported: 1 once the connection ended, never more. */
    public long closeCount() {
        return count("close");
    }

    /** The status of the (first) reported close, or null before it. */
    public CloseStatus closeStatus() {
        return events.stream().filter(e -> e.kind().equals("close")).map(Event::status).findFirst().orElse(null);
    }

    /** Broken promises seen so far; empty when the transport kept them all. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * From now on each chunk is kept unreleased, and nothing more demanded, until the test calls
     * {@link #releaseHeldChunks()}: the transport must stop reading meanwhile.
     */
    public RecordingListener<C> holdChunks() {
        holdChunks = true;
        return this;
    }

    /** How many chunks are held unreleased. */
    public int heldChunks() {
        return held.size();
    }

    /** Stops holding chunks, and releases (and demands after) the ones held. */
    public void releaseHeldChunks() {
        holdChunks = false;
        for (Runnable r = held.poll(); r != null; r = held.poll()) {
            r.run();
        }
    }

    /**
     * A chunk's bytes are copied, then it is released and the next one demanded (when demanding on
     * its own), unless chunks are {@linkplain #holdChunks() held}.
     */
    @Override
    public void onChunk(boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        record(new Event("chunk", (text ? "text" : "binary") + (first ? " first" : "") + (last ? " last" : ""), copy, null));
        Runnable next = () -> {
            release.run();
            demandNext();
        };
        if (holdChunks) {
            held.add(next);
        } else {
            next.run();
        }
    }

    @Override
    public void onText(String text) {
        record(new Event("text", text, null, null));
        demandNext();
    }

    @Override
    public void onBinary(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        record(new Event("binary", null, copy, null));
        demandNext();
    }

    @Override
    public void onPing(ByteBuffer payload) {
        record(new Event("ping", null, null, null));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        record(new Event("pong", null, copy, null));
    }

    @Override
    public void onError(Throwable cause) {
        record(new Event("error", String.valueOf(cause), null, null));
    }

    @Override
    public void onClose(CloseStatus status) {
        record(new Event("close", null, null, status));
        closed = true;
    }

    private void demandNext() {
        if (autoDemand) {
            C c = connection;
            if (c == null) {
                violations.add("a message arrived before the connection was open");
            } else {
                demand.accept(c);
            }
        }
    }

    private void record(Event event) {
        if (inCallback.incrementAndGet() != 1) {
            violations.add("overlapping callbacks at " + event.kind());
        }
        try {
            if (closed) {
                violations.add(event.kind() + " reported after close");
            }
            events.add(event);
            // Widen the window in which an overlapping callback would be caught.
            Thread.onSpinWait();
        } finally {
            inCallback.decrementAndGet();
        }
    }

    /** A server-side listener: the recorded {@link ConnectionListener} of this connection. */
    public static RecordingListener<Connection> onServer(Connection connection, boolean autoDemand) {
        return new RecordingListener<Connection>(autoDemand, Connection::demand).attach(connection);
    }
}
