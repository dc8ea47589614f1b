package io.wshub.bench;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;

/**
 * Returns every message, text or binary, unchanged: the hand-written echo. Public only because
 * Jetty invokes listener methods on public classes; not an API.
 */
public final class EchoEndpoint implements Session.Listener.AutoDemanding {

    // Written once in onWebSocketOpen; Jetty calls one session's listener methods one at a time.
    private Session session;

    EchoEndpoint() {
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        session.sendText(message, Callback.NOOP);
    }

    /**
     * The inbound buffer stays valid until its callback completes, so it is sent back as it is
     * and released when the send completes: no copy, and no buffer reused too early.
     */
    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        session.sendBinary(payload, callback);
    }
}
