package io.wshub.testkit;

import io.wshub.CloseStatus;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener that records what its transport reports, and notices broken promises: overlapping
 * callbacks, a second close, anything after the close.
 */
public final class RecordingListener implements ConnectionListener {

    /** One reported event: kind is text, binary, ping, pong, error or close. */
    public record Event(String kind, String text, byte[] bytes, CloseStatus status) {
    }

    private final Connection connection;
    private final boolean autoDemand;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger inCallback = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    RecordingListener(Connection connection, boolean autoDemand) {
        this.connection = connection;
        this.autoDemand = autoDemand;
    }

    public Connection connection() {
        return connection;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Event> messages() {
        List<Event> m = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals("text") || e.kind().equals("binary")) {
                m.add(e);
            }
        }
        return m;
    }

    public long closeCount() {
        return events.stream().filter(e -> e.kind().equals("close")).count();
    }

    public CloseStatus closeStatus() {
        return events.stream().filter(e -> e.kind().equals("close")).map(Event::status).findFirst().orElse(null);
    }

    /** Broken promises seen so far; empty when the transport kept them all. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void onText(String text) {
        record(new Event("text", text, null, null));
        if (autoDemand) {
            connection.demand();
        }
    }

    @Override
    public void onBinary(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        record(new Event("binary", null, copy, null));
        if (autoDemand) {
            connection.demand();
        }
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
}
