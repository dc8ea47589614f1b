package io.wshub.jetty;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Extension;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.IncomingFrames;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.OutgoingFrames;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketExtensionRegistry;
import org.eclipse.jetty.websocket.core.util.DemandChain;

/**
 * permessage-deflate as the hub speaks it: Jetty's own extension negotiates it and inflates what
 * arrives (per session, as before), but every outgoing frame passes it by untouched, because the hub
 * compressed it already ({@link OutboundDeflate}: RSV1 set and the payload deflated, once per
 * broadcast when the context is not taken over) or chose to send it as it is (below the threshold, a
 * stream's frames, control frames). Nothing is compressed twice, and no per-session deflater is taken
 * from Jetty's pool. It wraps Jetty's extension (made by Jetty's own registry, whose class is not
 * exported) rather than extending it. Registered under the extension's name in the components of a
 * {@link WshubHandler}.
 */
public final class HubDeflateExtension implements Extension, DemandChain {

    /** Jetty's extensions as Jetty registers them, to make its permessage-deflate from. */
    private static final WebSocketExtensionRegistry JETTY = new WebSocketExtensionRegistry();

    /** Jetty's permessage-deflate: the negotiation and the inbound side. Set in {@link #init}. */
    private Extension jetty;
    private OutgoingFrames nextOutgoing;

    /** Made by Jetty's extension registry for each session that negotiated the extension. */
    public HubDeflateExtension() {
    }

    /** Makes Jetty's extension with the negotiated configuration. */
    @Override
    public void init(ExtensionConfig config, WebSocketComponents components) {
        jetty = JETTY.newInstance(config, components);
    }

    /** Passes the frame on as the hub made it: compressed already, or to go as it is. */
    @Override
    public void sendFrame(OutgoingEntry entry) {
        nextOutgoing.sendFrame(entry);
    }

    /** What arrives is inflated by Jetty's extension. */
    @Override
    public void onFrame(Frame frame, Callback callback) {
        jetty.onFrame(frame, callback);
    }

    /** Jetty's extension's configuration: what the handshake answered. */
    @Override
    public ExtensionConfig getConfig() {
        return jetty.getConfig();
    }

    /** {@code permessage-deflate}. */
    @Override
    public String getName() {
        return OutboundDeflate.EXTENSION;
    }

    /** RSV1 marks a compressed message. */
    @Override
    public boolean isRsv1User() {
        return true;
    }

    /** Not used. */
    @Override
    public boolean isRsv2User() {
        return false;
    }

    /** Not used. */
    @Override
    public boolean isRsv3User() {
        return false;
    }

    /** Where inflated frames go. */
    @Override
    public void setNextIncomingFrames(IncomingFrames next) {
        jetty.setNextIncomingFrames(next);
    }

    /** Where outgoing frames go, past Jetty's extension. */
    @Override
    public void setNextOutgoingFrames(OutgoingFrames next) {
        nextOutgoing = next;
        jetty.setNextOutgoingFrames(next);
    }

    /** The session, for Jetty's extension. */
    @Override
    public void setCoreSession(CoreSession session) {
        jetty.setCoreSession(session);
    }

    /** Releases Jetty's extension's inflater. */
    @Override
    public void close() {
        if (jetty != null) {
            jetty.close();
        }
    }

    /** Demand goes through Jetty's extension, which inflates one frame into several. */
    @Override
    public void demand() {
        ((DemandChain) jetty).demand();
    }

    /** Demand goes through Jetty's extension. */
    @Override
    public void setNextDemand(DemandChain next) {
        ((DemandChain) jetty).setNextDemand(next);
    }
}
