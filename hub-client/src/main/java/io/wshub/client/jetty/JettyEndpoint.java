package io.wshub.client.jetty;

import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnectionListener;
import io.wshub.spi.InboundPipeline;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;

/**
 * The Jetty endpoint of one connection: it applies the request's limits when the session opens and
 * hands Jetty's events to an {@link InboundPipeline}, which keeps the listener's promises. It demands
 * by hand (not auto-demanding): the pipeline asks Jetty for one message at a time, as the client
 * takes them, and renews the demand a ping or pong used up; pings are answered here.
 *
 * <p>Not part of the API: public only because Jetty calls endpoint methods through a public
 * method-handle lookup, which cannot reach a package-private class.
 */
public final class JettyEndpoint implements Session.Listener {

    private final ClientConnectRequest request;
    /**
     * No limit of its own: Jetty's message sinks assemble every message and refuse one over the
     * request's limit with 1009 as it grows (the session's sizes, set on open), so it is measured once.
     */
    private final InboundPipeline inbound = new InboundPipeline(this::demandFromJetty, Long.MAX_VALUE);
    // Set once on the Jetty thread that opens the session; read by the thread completing the connect.
    private volatile JettyClientConnection connection;
    private volatile Session session;

    JettyEndpoint(ClientConnectionListener listener, ClientConnectRequest request) {
        this.request = request;
        inbound.open(listener);
    }

    JettyClientConnection connection() {
        return connection;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        session.setMaxTextMessageSize(request.maxMessageBytes());
        session.setMaxBinaryMessageSize(request.maxMessageBytes());
        session.setMaxFrameSize(request.maxMessageBytes()); // a server may send a whole message as one frame
        session.setIdleTimeout(request.idleTimeout());
        this.session = session;
        this.connection = new JettyClientConnection(session, inbound);
    }

    @Override
    public void onWebSocketText(String message) {
        inbound.text(message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        inbound.binary(payload, callback::succeed); // valid until the listener is done with it
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
