package io.wshub.client.jetty;

import io.wshub.spi.ClientConnectRequest;
import io.wshub.spi.ClientConnectionListener;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;

/**
 * The Jetty endpoint of one connection: it applies the request's limits when the session opens and
 * forwards Jetty's events to the wshub listener. It demands by hand (not auto-demanding), so the
 * client reads only as fast as it takes messages; pings and pongs are answered and followed by a
 * demand here, because they use up the demand the client gave for its next message.
 *
 * <p>Not part of the API: public only because Jetty calls endpoint methods through a public
 * method-handle lookup, which cannot reach a package-private class.
 */
public final class JettyEndpoint implements Session.Listener {

    private final ClientConnectionListener listener;
    private final ClientConnectRequest request;
    // Set once on the Jetty thread that opens the session; read by the thread completing the connect.
    private volatile JettyClientConnection connection;
    private volatile Session session;

    JettyEndpoint(ClientConnectionListener listener, ClientConnectRequest request) {
        this.listener = listener;
        this.request = request;
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
        this.connection = new JettyClientConnection(session);
    }

    @Override
    public void onWebSocketText(String message) {
        listener.onText(message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        listener.onBinary(payload);
        callback.succeed(); // the listener has copied what it keeps
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        session.sendPong(payload, Callback.NOOP);
        session.demand();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        listener.onPong(payload);
        session.demand();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        if (connection != null) { // before the open, the connect future reports the failure
            listener.onError(cause);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        if (connection != null) {
            listener.onClose(CloseStatuses.of(statusCode, reason));
        }
    }
}
