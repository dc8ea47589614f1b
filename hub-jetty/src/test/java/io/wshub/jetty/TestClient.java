package io.wshub.jetty;

import io.wshub.CloseStatus;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client for end-to-end tests, on Jetty's {@link WebSocketClient}: it queues what it
 * receives and remembers how the connection ended. Every wait has a deadline.
 */
public final class TestClient implements AutoCloseable {

    /** Deadline of every wait unless a test says otherwise. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A received message: text, or binary bytes. */
    public record Received(String text, byte[] binary) {
        /** Whether it is a text message. */
        public boolean isText() {
            return text != null;
        }
    }

    private final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private volatile Session session;

    private TestClient() {
    }

    /** A Jetty client whose limits are far above the hub's, so the server's limits are what a test meets. */
    public static WebSocketClient newJettyClient() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.setMaxTextMessageSize(16 * 1024 * 1024);
        client.setMaxBinaryMessageSize(16 * 1024 * 1024);
        client.setMaxFrameSize(16 * 1024 * 1024);
        client.setIdleTimeout(Duration.ofMinutes(5));
        client.start();
        return client;
    }

    /** Connects with no extra headers. */
    public static TestClient connect(WebSocketClient client, URI uri) throws Exception {
        return connect(client, uri, Map.of());
    }

    /**
     * Connects with these request headers.
     *
     * @throws Refused when the server answers the upgrade with an HTTP error
     */
    public static TestClient connect(WebSocketClient client, URI uri, Map<String, String> headers) throws Exception {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        headers.forEach(request::setHeader);
        return connect(client, uri, request);
    }

    /** Connects with this upgrade request (extensions, cookies, ...). */
    public static TestClient connect(WebSocketClient client, URI uri, ClientUpgradeRequest request) throws Exception {
        TestClient c = new TestClient();
        try {
            c.session = client.connect(c.new Listener(), uri, request).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            int status = upgradeStatus(e);
            if (status > 0) {
                throw new Refused(status, e);
            }
            throw e;
        }
        return c;
    }

    /** The HTTP status of a refused upgrade, or 0 if the failure was something else. */
    static int upgradeStatus(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException u) {
                return u.getResponseStatusCode();
            }
            if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException u) {
                return u.getResponseStatusCode();
            }
        }
        return 0;
    }

    /** The Jetty session, for what the helpers here do not cover (pings, fragments). */
    public Session session() {
        return session;
    }

    /** Sends and waits until it is written; on a connection that has ended, says how it ended. */
    public void sendText(String text) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session.sendText(text, done);
        try {
            done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            CloseStatus ending;
            try {
                ending = closed.get(1, TimeUnit.SECONDS); // its end is reported just after the failed send
            } catch (TimeoutException notEnded) {
                throw e;
            }
            throw new AssertionError("not sent: the connection had ended with " + ending, e);
        }
    }

    public void sendBinary(byte[] data) throws Exception {
        Callback.Completable done = new Callback.Completable();
        session.sendBinary(ByteBuffer.wrap(data), done);
        done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message, or an AssertionError after the timeout. */
    public Received next(Duration timeout) throws InterruptedException {
        Received m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return m;
    }

    /** The next message, which must be text. */
    public String nextText() throws InterruptedException {
        Received m = next(TIMEOUT);
        if (!m.isText()) {
            throw new AssertionError("expected a text message, got " + m.binary().length + " binary bytes");
        }
        return m.text();
    }

    /** The payload of the next pong, or an AssertionError after the timeout. */
    public byte[] nextPong() throws InterruptedException {
        byte[] p = pongs.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no pong within " + TIMEOUT);
        }
        return p;
    }

    /** Every message received and not taken yet, without waiting. */
    public List<Received> drain() {
        List<Received> all = new ArrayList<>();
        messages.drainTo(all);
        return all;
    }

    /** Asserts that no message arrives for this long. */
    public void expectNoMessage(Duration quiet) throws InterruptedException {
        Received m = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        if (m != null) {
            throw new AssertionError("expected no message, got " + (m.isText() ? m.text() : m.binary().length + " bytes"));
        }
    }

    /** Starts the close handshake. */
    public void close(int code, String reason) {
        session.close(code, reason, Callback.NOOP);
    }

    /** How the connection ended, or an AssertionError after the timeout. */
    public CloseStatus awaitClose(Duration timeout) throws InterruptedException, ExecutionException {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection not closed within " + timeout);
        }
    }

    /** How the connection ended, within the default timeout. */
    public CloseStatus awaitClose() throws InterruptedException, ExecutionException {
        return awaitClose(TIMEOUT);
    }

    /** Whether the connection has ended. */
    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, "", Callback.NOOP);
        }
    }

    /** Drops the TCP connection without a close handshake. */
    public void abort() {
        session.disconnect();
    }

    /** The server refused the upgrade with this HTTP status. */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, Throwable cause) {
            super("upgrade refused with HTTP " + status, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Public: Jetty calls listener methods through public method handles. */
    public final class Listener implements Session.Listener.AutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            messages.add(new Received(message, null));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            messages.add(new Received(null, copy));
            callback.succeed();
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            pongs.add(copy);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // The close that follows is what tests look at; Jetty would log this otherwise.
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            closed.complete(new CloseStatus(statusCode, reason == null ? "" : reason));
            callback.succeed();
        }
    }
}
