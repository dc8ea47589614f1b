package io.wshub.jetty;

import io.wshub.Handshake;
import io.wshub.HubOptions;
import io.wshub.spi.Admission;
import io.wshub.spi.ConnectionAcceptor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Decides each upgrade to one hub's path before any WebSocket frame: the hub checks the per-address
 * limits, origin, authentication, the session id and the connection limit; a refusal becomes its
 * HTTP status with the reason as the body (and its {@code Retry-After}, when it has one), an
 * admission becomes a {@link JettyConnection}. It also maps the hub's
 * limits onto every session Jetty makes for it.
 */
final class HubNegotiator implements WebSocketNegotiator {

    private static final Logger log = LoggerFactory.getLogger(HubNegotiator.class);

    private final ConnectionAcceptor acceptor;
    private final HubOptions hubOptions;
    private final JettyOptions options;

    /**
     * @param acceptor   a hub's acceptor
     * @param hubOptions that hub's limits, mapped onto each session
     * @param options    Jetty's own settings
     */
    HubNegotiator(ConnectionAcceptor acceptor, HubOptions hubOptions, JettyOptions options) {
        this.acceptor = acceptor;
        this.hubOptions = hubOptions;
        this.options = options;
    }

    @Override
    public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Handshake handshake;
        try {
            handshake = Handshakes.of(request);
        } catch (RuntimeException e) {
            return refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "Malformed upgrade request");
        }
        Admission admission;
        try {
            admission = acceptor.admit(handshake);
        } catch (RuntimeException e) {
            log.error("admission failed for {}", handshake, e);
            return refuse(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Admission failed");
        }
        if (admission instanceof Admission.Refused refused) {
            if (refused.retryAfter() != null) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, refused.retryAfterSeconds());
            }
            return refuse(request, response, callback, refused.status(), refused.reason());
        }
        if (!options.permessageDeflate()) {
            response.setExtensions(List.of());
        }
        return new JettyConnection((Admission.Accepted) admission, handshake.remoteAddress());
    }

    @Override
    public void customize(Configuration session) {
        SessionSettings.apply(session, hubOptions, options);
    }

    /** Answers with the status; Jetty leaves completing the callback to whoever returns null. */
    private static FrameHandler refuse(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback,
                                       int status, String reason) {
        Response.writeError(request, response, callback, status, reason);
        return null;
    }
}
