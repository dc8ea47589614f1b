package io.wshub.examples.loadtest;

import org.eclipse.jetty.websocket.api.Session;

/**
 * What Jetty's client calls for one load-test connection. Jetty invokes listener methods only on
 * public classes, so this thin public adapter forwards to the package-private
 * {@link LoadConnection}; it is not an API.
 */
public final class JettyListener implements Session.Listener.AutoDemanding {

    private final LoadConnection connection;

    JettyListener(LoadConnection connection) {
        this.connection = connection;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection.opened(session);
    }

    @Override
    public void onWebSocketText(String message) {
        connection.text(message);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        connection.closed(statusCode, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        connection.failed(cause);
    }
}
