package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.ConnectionListener;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A listener that passes every event on to another: a test (or a wrapper such as
 * {@link FaultyConnection}) overrides the events it wants to see or change, and calls {@code super}
 * to pass them on. It serves both sides, as the client's listener has the server's events.
 *
 * <pre>{@code
 * List<CloseStatus> closes = new CopyOnWriteArrayList<>();
 * ConnectionListener watched = new ForwardingListener(new RecordingListener<Connection>(true, Connection::demand)) {
 *     @Override
 *     public void onClose(CloseStatus status) {
 *         closes.add(status);
 *         super.onClose(status);
 *     }
 * };
 * }</pre>
 */
public class ForwardingListener implements ClientConnectionListener {

    private final ConnectionListener to;

    /** A listener passing everything on to {@code to}. */
    public ForwardingListener(ConnectionListener to) {
        this.to = Objects.requireNonNull(to, "to");
    }

    @Override
    public void onText(String text) {
        to.onText(text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        to.onBinary(data);
    }

    @Override
    public void onChunk(boolean text, ByteBuffer data, boolean first, boolean last, Runnable release) {
        to.onChunk(text, data, first, last, release);
    }

    @Override
    public void onPing(ByteBuffer payload) {
        to.onPing(payload);
    }

    @Override
    public void onPong(ByteBuffer payload) {
        to.onPong(payload);
    }

    @Override
    public void onError(Throwable cause) {
        to.onError(cause);
    }

    @Override
    public void onClose(CloseStatus status) {
        to.onClose(status);
    }
}
