package io.wshub.jetty;

import io.wshub.CloseStatus;
import io.wshub.HubOptions;
import io.wshub.spi.Admission;
import io.wshub.spi.ConnectionListener;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The Jetty endpoint of one admitted connection: opens the hub session when the upgrade completes
 * and turns Jetty's events into the hub's. It does not demand on its own (no
 * {@code AutoDemanding}): the hub's {@code demand()} decides when the next message is read, so a
 * session whose reading is suspended pushes back on its peer through TCP.
 *
 * <p>Not part of the API: public only because Jetty calls its listener methods through public
 * method handles; only {@link WshubHandler} creates instances.
 */
public final class HubEndpoint implements Session.Listener {

    private static final Logger log = LoggerFactory.getLogger(HubEndpoint.class);

    private final Admission.Accepted admission;
    private final HubOptions hubOptions;
    private final JettyOptions jettyOptions;
    private final InetSocketAddress remoteAddress;
    private final SerialListener events = new SerialListener();
    private final DemandGate demand = new DemandGate(this::demandFromJetty);
    /** Set once in onWebSocketOpen, before the hub can demand; read by the demand gate on any thread. */
    private volatile Session session;

    HubEndpoint(Admission.Accepted admission, HubOptions hubOptions, JettyOptions jettyOptions,
                InetSocketAddress remoteAddress) {
        this.admission = admission;
        this.hubOptions = hubOptions;
        this.jettyOptions = jettyOptions;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        SessionSettings.apply(s, hubOptions, jettyOptions);
        session = s;
        ConnectionListener listener;
        try {
            listener = admission.open(new JettyConnection((WebSocketSession) s, demand, remoteAddress));
        } catch (RuntimeException e) {
            log.error("the hub failed to open session {}; dropping the connection", admission.sessionId(), e);
            events.abandon();
            s.disconnect();
            return;
        }
        events.open(listener);
    }

    @Override
    public void onWebSocketText(String text) {
        if (demand.messageArrived()) {
            events.text(text);
        }
        demand.messageHandled();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer data, Callback callback) {
        if (demand.messageArrived()) {
            events.binary(data, callback::succeed);
        } else {
            callback.succeed(); // read only to reach the peer's close frame
        }
        demand.messageHandled();
    }

    /** Overridden, so Jetty does not answer by itself: the pong is sent here, then reading goes on. */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        session.sendPong(payload.duplicate(), Callback.NOOP); // fails only once the output is closed
        events.ping(payload);
        demand.controlFrameArrived();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        events.pong(payload);
        demand.controlFrameArrived();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        events.error(cause);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        demand.end();
        if (session == null) {
            admission.abandon(); // the upgrade failed before the session opened
        }
        events.close(closeStatus(statusCode, reason));
        callback.succeed();
    }

    private void demandFromJetty() {
        try {
            session.demand();
        } catch (RuntimeException e) {
            log.debug("demand refused on {}: the connection is ending", remoteAddress, e);
        }
    }

    /** Jetty's close code and reason as a status the hub accepts; anything unreportable is 1006. */
    static CloseStatus closeStatus(int code, String reason) {
        try {
            return new CloseStatus(code, reason == null ? "" : reason);
        } catch (IllegalArgumentException e) {
            return CloseStatus.ABNORMAL;
        }
    }
}
