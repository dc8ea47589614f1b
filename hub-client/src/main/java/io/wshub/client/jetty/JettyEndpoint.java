package io.wshub.client.jetty;

import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.InboundPipeline;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The Jetty endpoint of one connection: it applies the request's limits when the session opens and
 * hands Jetty's events to an {@link InboundPipeline}, which keeps the listener's promises. It demands
 * by hand (not auto-demanding): the pipeline asks Jetty for one message at a time, as the client
 * takes them, and renews the demand a ping or pong used up; pings are answered here.
 *
 * <p>Two kinds, since Jetty picks its message sinks by the methods an endpoint overrides:
 * {@link WholeMessages} takes assembled messages, {@link Chunks} (for a request that
 * {@linkplain ClientConnectRequest#streams() streams}) every frame's payload as it arrives, through
 * Jetty's partial sinks, one frame per demand.
 *
 * <p>Not part of the API: public only because Jetty calls endpoint methods through a public
 * method-handle lookup, which cannot reach a package-private class.
 */
public abstract sealed class JettyEndpoint implements Session.Listener {

    private final ClientConnectRequest request;
    /** Reports what Jetty read to the listener. */
    final InboundPipeline inbound;
    // Set once on the Jetty thread that opens the session; read by the thread completing the connect.
    private volatile JettyClientConnection connection;
    private volatile Session session;

    private JettyEndpoint(ClientConnectionListener listener, ClientConnectRequest request) {
        this.request = request;
        // Whole messages: no limit of its own, since Jetty's message sinks assemble every message and
        // refuse one over the request's limit with 1009 as it grows (the session's sizes, set on open),
        // so it is measured once. Streams: Jetty holds each frame to the limit, the pipeline the message.
        this.inbound = request.streams()
                ? new InboundPipeline(this::demandFromJetty, request.maxMessageBytes(), request.maxStreamBytes())
                : new InboundPipeline(this::demandFromJetty, Long.MAX_VALUE);
        inbound.open(listener);
    }

    /** The endpoint for this request: whole messages, or chunks when it streams. */
    static JettyEndpoint of(ClientConnectionListener listener, ClientConnectRequest request) {
        return request.streams() ? new Chunks(listener, request) : new WholeMessages(listener, request);
    }

    /** Takes messages whole, as Jetty assembles them. */
    public static final class WholeMessages extends JettyEndpoint {

        WholeMessages(ClientConnectionListener listener, ClientConnectRequest request) {
            super(listener, request);
        }

        @Override
        public void onWebSocketText(String message) {
            inbound.text(message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            inbound.binary(payload, callback::succeed); // valid until the listener is done with it
        }
    }

    /**
     * Takes every data frame as a chunk. A binary frame's buffer is Jetty's, released when the
     * listener releases the chunk; a text frame comes from Jetty as the characters complete so far
     * (Jetty checks the UTF-8), encoded back to UTF-8 here, so a text chunk is a copy.
     */
    public static final class Chunks extends JettyEndpoint {

        Chunks(ClientConnectionListener listener, ClientConnectRequest request) {
            super(listener, request);
        }

        @Override
        public void onWebSocketPartialText(String payload, boolean last) {
            inbound.chunk(true, StandardCharsets.UTF_8.encode(payload), last, null);
        }

        @Override
        public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
            inbound.chunk(false, payload, last, callback::succeed);
        }
    }

    JettyClientConnection connection() {
        return connection;
    }

    @Override
    public final void onWebSocketOpen(Session session) {
        session.setMaxTextMessageSize(request.maxMessageBytes());
        session.setMaxBinaryMessageSize(request.maxMessageBytes());
        session.setMaxFrameSize(request.maxMessageBytes()); // a server may send a whole message as one frame
        session.setIdleTimeout(request.idleTimeout());
        if (request.streams()) {
            session.setAutoFragment(false); // a chunk is a frame as the server sent it, not what one read found of it
        }
        this.session = session;
        this.connection = new JettyClientConnection(session, inbound);
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        session.sendPong(payload, Callback.NOOP);
        inbound.ping(payload);
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        inbound.pong(payload);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (connection != null) { // before the open, the connect future reports the failure
            inbound.error(cause);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (connection != null) {
            inbound.closed(CloseStatuses.of(statusCode, reason));
        } else {
            inbound.abandon();
        }
    }

    private void demandFromJetty() {
        Session s = session;
        if (s != null) {
            s.demand();
        }
    }
}
