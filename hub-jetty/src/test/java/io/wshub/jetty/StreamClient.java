package io.wshub.jetty;

import io.wshub.CloseStatus;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Jetty client for streamed messages: it sends frames of a message one at a time, hands every
 * frame it receives to a sink as it arrives (never assembling a message), and reads only while the
 * test lets it: {@link #pauseReading()} stops asking Jetty for frames, so TCP pushes back on the server.
 * Public: Jetty calls listener methods through public method handles.
 */
public final class StreamClient implements Session.Listener {

    /** Where received frames go, one at a time, on Jetty's thread. */
    @FunctionalInterface
    public interface Sink {
        /** One frame of a message; {@code text} frames come as their text, binary ones as bytes. */
        void frame(boolean text, ByteBuffer bytes, String chars, boolean last);
    }

    private final Sink sink;
    private final CompletableFuture<Session> opened = new CompletableFuture<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    /** Guarded by "this": reading is paused, and a demand is owed for when it resumes. */
    private boolean paused;
    private boolean owed;

    private StreamClient(Sink sink) {
        this.sink = sink;
    }

    /** Connects and waits for the upgrade. */
    public static StreamClient connect(WebSocketClient client, URI uri, Sink sink) throws Exception {
        StreamClient c = new StreamClient(sink);
        client.connect(c, uri).get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        c.opened.get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return c;
    }

    /** Sends the next frame of a binary message; completes when Jetty has written it. */
    public CompletableFuture<Void> sendPart(ByteBuffer bytes, boolean last) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        opened.join().sendPartialBinary(bytes, last, Callback.from(() -> done.complete(null), done::completeExceptionally));
        return done;
    }

    /** Sends a whole text message. */
    public CompletableFuture<Void> sendText(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        opened.join().sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
        return done;
    }

    /** Stops reading: no frame is asked for until {@link #resumeReading()}. */
    public synchronized void pauseReading() {
        paused = true;
    }

    /** Reads again. */
    public void resumeReading() {
        boolean demand;
        synchronized (this) {
            paused = false;
            demand = owed;
            owed = false;
        }
        if (demand) {
            opened.join().demand();
        }
    }

    /** The close the server sent (or 1006). */
    public CompletableFuture<CloseStatus> closed() {
        return closed;
    }

    public void abort() {
        opened.join().disconnect();
    }

    @Override
    public void onWebSocketOpen(Session session) {
        opened.complete(session);
        session.demand();
    }

    @Override
    public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
        sink.frame(false, payload, null, last);
        callback.succeed();
        next();
    }

    @Override
    public void onWebSocketPartialText(String payload, boolean last) {
        sink.frame(true, null, payload, last);
        next();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        next();
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        next();
    }

    private void next() {
        synchronized (this) {
            if (paused) {
                owed = true;
                return;
            }
        }
        opened.join().demand();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed.complete(CloseStatus.ABNORMAL);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed.complete(JettyConnection.closeStatus(statusCode, reason));
        callback.succeed();
    }
}
