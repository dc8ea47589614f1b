package io.wshub.jetty;

import io.wshub.Message;
import io.wshub.internal.Deflating;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * How one connection compresses what it sends, when it negotiated permessage-deflate through a
 * {@link HubDeflateExtension}: messages below the threshold go as they are; without context takeover
 * (the server said {@code server_no_context_takeover}) every message is compressed alone, once for all
 * the connections that share it ({@link Message#deflated(int)}); with it, by this connection's own
 * deflater, which keeps its window from message to message (better ratios, a deflater's memory per
 * connection, and a compression per recipient). A connection's writes never overlap, so its deflater
 * needs no lock.
 */
final class OutboundDeflate {

    static final String EXTENSION = "permessage-deflate";
    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

    private final int threshold;
    private final int level;
    /** The connection's own deflater with context takeover, or null: messages are compressed alone. */
    private Deflater context;

    private OutboundDeflate(int threshold, int level, Deflater context) {
        this.threshold = threshold;
        this.level = level;
        this.context = context;
    }

    /** How the session compresses, or null when it sends everything as it is. */
    static OutboundDeflate of(CoreSession session, JettyOptions options) {
        if (!(session instanceof WebSocketCoreSession s)
                || !(s.getExtensionStack().getRsv1User() instanceof HubDeflateExtension)) {
            return null; // not negotiated, or by an extension that compresses by itself
        }
        boolean takeover = true;
        for (ExtensionConfig c : session.getNegotiatedExtensions()) {
            if (EXTENSION.equals(c.getName()) && c.getParameterKeys().contains(SERVER_NO_CONTEXT_TAKEOVER)) {
                takeover = false;
            }
        }
        return new OutboundDeflate(options.deflateThreshold(), options.deflateLevel(),
                takeover ? Deflating.contextDeflater(options.deflateLevel()) : null);
    }

    /** The compressed payload to send with RSV1 set, or null to send the message as it is. */
    ByteBuffer compress(Message message) {
        if (message.size() < threshold) {
            return null;
        }
        if (context == null) {
            return message.deflated(level);
        }
        byte[] c = Deflating.next(message.payload(), context);
        return ByteBuffer.wrap(c); // with takeover it must go compressed even if larger: the window moved on
    }

    /** The connection ended: frees the deflater's memory now rather than at finalization. */
    void end() {
        if (context != null) {
            context.end();
            context = null;
        }
    }
}
