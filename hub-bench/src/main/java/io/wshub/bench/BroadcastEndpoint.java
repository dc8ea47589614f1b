package io.wshub.bench;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;

/**
 * One {@code /broadcast} connection: joins the group on open, relays what it receives, leaves on
 * close. Public only because Jetty invokes listener methods on public classes; not an API.
 */
public final class BroadcastEndpoint implements Session.Listener.AutoDemanding {

    private final BroadcastGroup group;
    // Written once in onWebSocketOpen; Jetty calls one session's listener methods one at a time.
    private Session session;

    BroadcastEndpoint(BroadcastGroup group) {
        this.group = group;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        group.join(session);
    }

    @Override
    public void onWebSocketText(String message) {
        group.relayText(session, message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        group.relayBinary(session, payload);
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        group.leave(session);
    }
}
