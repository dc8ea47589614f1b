package io.wshub.jetty;

import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.internal.PerMessageDeflateExtension;

/**
 * permessage-deflate as the hub speaks it: Jetty's extension inflates what arrives (per session, as
 * before), but every outgoing frame passes through untouched, because the hub compressed it already
 * ({@link OutboundDeflate}: RSV1 set and the payload deflated, once per broadcast when the context is
 * not taken over) or chose to send it as it is (below the threshold, a stream's frames, control
 * frames). Nothing is compressed twice, and no per-session deflater is taken from Jetty's pool.
 * Registered under the extension's name in the components of a {@link WshubHandler}.
 */
public final class HubDeflateExtension extends PerMessageDeflateExtension {

    /** Made by Jetty's extension registry for each session that negotiated the extension. */
    public HubDeflateExtension() {
    }

    /** Passes the frame on as the hub made it: compressed already, or to go as it is. */
    @Override
    public void sendFrame(OutgoingEntry entry) {
        nextOutgoingFrame(entry);
    }
}
