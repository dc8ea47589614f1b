package io.wshub.jetty;

import io.wshub.Handshake;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Reads the facts of an upgrade request into a {@link Handshake}. */
final class Handshakes {

    private Handshakes() {
    }

    /**
     * The request's path, headers, decoded query parameters, cookies and remote address. The
     * remote address is the connection's as Jetty reports it: the hub takes the client's from a
     * trusted proxy's header itself ({@code TrustedProxies}), and a {@code ForwardedRequestCustomizer}
     * in front of the hub gives the original client's already.
     *
     * @throws RuntimeException when the query cannot be decoded (a client error: answer 400)
     */
    static Handshake of(Request request) {
        Handshake.Builder b = Handshake.builder()
                .path(Request.getPathInContext(request))
                .remoteAddress(remoteAddress(request));
        for (HttpField field : request.getHeaders()) {
            if (field.getName() != null && field.getValue() != null) {
                b.header(field.getName(), field.getValue());
            }
        }
        for (Fields.Field parameter : Request.extractQueryParameters(request)) {
            for (String value : parameter.getValues()) {
                b.queryParameter(parameter.getName(), value);
            }
        }
        for (HttpCookie cookie : Request.getCookies(request)) {
            b.cookie(cookie.getName(), cookie.getValue());
        }
        return b.build();
    }

    private static InetSocketAddress remoteAddress(Request request) {
        SocketAddress address = request.getConnectionMetaData().getRemoteSocketAddress();
        return address instanceof InetSocketAddress inet ? inet : null;
    }
}
