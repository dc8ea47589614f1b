package io.wshub.client.jetty;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.nio.ByteBuffer;

/**
 * A bare Jetty WebSocket server for testing the client transport over real sockets (not a hub):
 * {@code /echo} returns every message, {@code /refuse?status=S} refuses the upgrade (with
 * {@code &retryAfter=R}, and that {@code Retry-After}),
 * {@code /close?code=C} closes right after the open, {@code /headers} sends back the request's
 * {@code Authorization} header, {@code /pinger} pings three times and then says how many pongs came,
 * {@code /deaf} never answers a ping.
 * It binds an ephemeral port once and keeps it across restarts. As a JUnit extension
 * ({@code @RegisterExtension}) it runs for each test.
 */
public final class BareServer implements BeforeEachCallback, AfterEachCallback {

    private static final long MAX_MESSAGE_BYTES = 1024 * 1024;

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    BareServer() {
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
            container.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
            container.setMaxFrameSize(MAX_MESSAGE_BYTES);
            container.addMapping("/echo", (req, resp, cb) -> new Echo());
            container.addMapping("/refuse", (req, resp, cb) -> {
                Fields query = Request.extractQueryParameters(req);
                if (query.getValue("retryAfter") != null) {
                    resp.getHeaders().put(HttpHeader.RETRY_AFTER, query.getValue("retryAfter"));
                }
                Response.writeError(req, resp, cb, Integer.parseInt(query.getValue("status")));
                return null;
            });
            container.addMapping("/close", (req, resp, cb) ->
                    new CloseOnOpen(Integer.parseInt(Request.extractQueryParameters(req).getValue("code"))));
            container.addMapping("/pinger", (req, resp, cb) -> new Pinger());
            container.addMapping("/deaf", (req, resp, cb) -> new Deaf());
            container.addMapping("/headers", (req, resp, cb) ->
                    new SendOnOpen(String.valueOf(req.getHeaders().get(HttpHeader.AUTHORIZATION))));
        }));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        stop();
    }

    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + connector.getPort() + pathAndQuery);
    }

    void stop() throws Exception {
        server.stop();
    }

    /** Starts; the first start binds an ephemeral port, every later one binds it again. */
    void start() throws Exception {
        server.start();
        connector.setPort(connector.getLocalPort());
    }

    // Endpoints are public: Jetty calls their methods through a public method-handle lookup.

    /** Closes with the given code as soon as the session opens. */
    public static final class CloseOnOpen implements Session.Listener.AutoDemanding {
        private final int code;

        CloseOnOpen(int code) {
            this.code = code;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            session.close(code, "closed by the test server", Callback.NOOP);
        }
    }

    /** Sends one text message as soon as the session opens. */
    public static final class SendOnOpen implements Session.Listener.AutoDemanding {
        private final String text;

        SendOnOpen(String text) {
            this.text = text;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            session.sendText(text, Callback.NOOP);
        }
    }

    /** Pings three times on open; answers any text with the number of pongs received so far. */
    public static final class Pinger implements Session.Listener.AutoDemanding {
        private final java.util.concurrent.atomic.AtomicInteger pongs = new java.util.concurrent.atomic.AtomicInteger();
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            for (int i = 0; i < 3; i++) {
                session.sendPing(ByteBuffer.wrap(new byte[] {(byte) i}), Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            pongs.incrementAndGet();
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText("pongs=" + pongs.get(), Callback.NOOP);
        }
    }

    /** Takes pings and answers none (Jetty answers them by itself only for endpoints that do not listen to them). */
    public static final class Deaf implements Session.Listener.AutoDemanding {
        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            // no pong: a server that stopped answering
        }
    }

    /** Returns every message as it came, text as text and binary as binary. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // a client that goes away mid-echo, or the server stopping under it: expected here
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }
    }
}
