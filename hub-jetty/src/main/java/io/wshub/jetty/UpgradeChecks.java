package io.wshub.jetty;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Base64;

/**
 * RFC 6455's checks of an HTTP/1.1 upgrade request that Jetty leaves to its caller: an upgrade to
 * a version other than 13 is answered 426 with the version the server speaks (Jetty would take it
 * for an ordinary request: a 404), and a missing or malformed {@code Sec-WebSocket-Key} (not the
 * base64 of 16 bytes) is answered 400 (Jetty would upgrade it). Requests that do not ask for a
 * WebSocket are left alone.
 */
final class UpgradeChecks {

    static final String VERSION = "13";
    private static final int KEY_BYTES = 16;

    private UpgradeChecks() {
    }

    /**
     * Refuses a malformed upgrade request.
     *
     * @return whether the request was answered (the caller returns true), false to go on
     */
    static boolean refuseMalformed(Request request, Response response, Callback callback) {
        if (!asksForWebSocket(request)) {
            return false;
        }
        String version = request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_VERSION);
        if (!VERSION.equals(version == null ? null : version.trim())) {
            response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, VERSION);
            Response.writeError(request, response, callback, HttpStatus.UPGRADE_REQUIRED_426,
                    "Unsupported WebSocket version " + (version == null ? "(none)" : version) + ": this server speaks 13");
            return true;
        }
        if (!isValidKey(request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_KEY))) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                    "Missing or malformed Sec-WebSocket-Key: the base64 of 16 bytes");
            return true;
        }
        return false;
    }

    /** A GET or HEAD that does not ask for a WebSocket (it may ask for another upgrade, as h2c): what an upgrade probe is. */
    static boolean isProbe(Request request) {
        return (HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod()))
                && !namesWebSocket(request);
    }

    /** An HTTP/1.1 GET with {@code Upgrade: websocket}: the only kind RFC 6455's handshake covers. */
    private static boolean asksForWebSocket(Request request) {
        return HttpMethod.GET.is(request.getMethod())
                && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1
                && namesWebSocket(request);
    }

    private static boolean namesWebSocket(Request request) {
        for (HttpField field : request.getHeaders()) {
            if (field.getHeader() == HttpHeader.UPGRADE && field.getValue() != null
                    && field.getValue().toLowerCase(java.util.Locale.ROOT).contains("websocket")) {
                return true;
            }
        }
        return false;
    }

    static boolean isValidKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
