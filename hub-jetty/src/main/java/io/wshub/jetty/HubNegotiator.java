package io.wshub.jetty;

import io.wshub.Handshake;
import io.wshub.HubOptions;
import io.wshub.spi.Admission;
import io.wshub.spi.ConnectionAcceptor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
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
 * admission becomes a {@link JettyConnection}. It also maps the hub's limits onto every session
 * Jetty makes for it, and answers probes: a plain request that asks how an upgrade with it would
 * be decided.
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
        Admission admission = admit(handshake);
        if (admission instanceof Admission.Refused refused) {
            putRetryAfter(response, refused);
            return refuse(request, response, callback, refused.status(), refused.reason());
        }
        if (!options.permessageDeflate()) {
            response.setExtensions(List.of());
        } else {
            response.setExtensions(deflateAnswer(request.getExtensions()));
        }
        return new JettyConnection((Admission.Accepted) admission, handshake.remoteAddress(), options);
    }

    /**
     * The extensions accepted of those offered: permessage-deflate, once, when the server can keep its
     * terms. Java's deflater always uses a 32 KiB window, so an offer that asks the server for a smaller
     * one ({@code server_max_window_bits} below 15) is declined, and so is any other extension. Without
     * context takeover the answer says {@code server_no_context_takeover}; a client's offer of
     * {@code client_no_context_takeover} is accepted (its inflater then keeps no window between messages).
     */
    private List<ExtensionConfig> deflateAnswer(List<ExtensionConfig> offered) {
        for (ExtensionConfig offer : offered) {
            if (!OutboundDeflate.EXTENSION.equals(offer.getName())
                    || offer.getParameter("server_max_window_bits", 15) < 15) {
                continue;
            }
            ExtensionConfig answer = new ExtensionConfig(OutboundDeflate.EXTENSION);
            if (!options.deflateContextTakeover()) {
                answer.setParameter(OutboundDeflate.SERVER_NO_CONTEXT_TAKEOVER);
            }
            if (offer.getParameterKeys().contains("client_no_context_takeover")) {
                answer.setParameter("client_no_context_takeover");
            }
            return List.of(answer);
        }
        return List.of();
    }

    /**
     * Answers a plain GET or HEAD of the hub's path with the status an upgrade with the same request
     * would get: the refusal's status and reason, or {@code 426 Upgrade Required} when it would be
     * accepted (the reservation is given back at once). For browsers, whose WebSocket API hides a
     * refused upgrade's status.
     */
    void probe(Request request, Response response, Callback callback) {
        Handshake handshake; // every answer below is an error page, which Jetty marks no-store
        try {
            handshake = Handshakes.of(request);
        } catch (RuntimeException e) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "Malformed upgrade request");
            return;
        }
        Admission admission = admit(handshake);
        if (admission instanceof Admission.Refused refused) {
            putRetryAfter(response, refused);
            Response.writeError(request, response, callback, refused.status(), refused.reason());
            return;
        }
        ((Admission.Accepted) admission).abandon();
        response.getHeaders().put(HttpHeader.UPGRADE, "websocket");
        response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, UpgradeChecks.VERSION);
        Response.writeError(request, response, callback, HttpStatus.UPGRADE_REQUIRED_426,
                "An upgrade with this request would be accepted");
    }

    /** A refusal that says when to come back (a per-address limit) says it in {@code Retry-After}. */
    private static void putRetryAfter(Response response, Admission.Refused refused) {
        if (refused.retryAfter() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, refused.retryAfterSeconds());
        }
    }

    private Admission admit(Handshake handshake) {
        try {
            return acceptor.admit(handshake);
        } catch (RuntimeException e) {
            log.error("admission failed for {}", handshake, e);
            return new Admission.Refused(HttpStatus.INTERNAL_SERVER_ERROR_500, "Admission failed");
        }
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
