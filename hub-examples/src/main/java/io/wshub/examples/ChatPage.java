package io.wshub.examples;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Serves the browser chat page (plain HTML, CSS and JavaScript from the jar, no build step, no
 * CDN): {@code /}, its script and style, and the JavaScript client it is built on. A fixed set of files loaded once, so no request can reach
 * anything else. Anything else falls through (404).
 */
final class ChatPage extends Handler.Abstract.NonBlocking {

    /** The page may load only its own files and open WebSockets to its own server. */
    private static final HttpField CSP = new PreEncodedHttpField("Content-Security-Policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'");
    private static final HttpField NO_SNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
    private static final HttpField NO_CACHE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-cache");

    private record File(HttpField contentType, byte[] bytes) {
    }

    private final Map<String, File> files = Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            "/chat.js", load("chat.js", "text/javascript; charset=utf-8"),
            "/wshub-client.js", load("wshub-client.js", "text/javascript; charset=utf-8"),
            "/chat.css", load("chat.css", "text/css; charset=utf-8"));

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        File file = files.get(Request.getPathInContext(request));
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        if (file == null || !(head || HttpMethod.GET.is(request.getMethod()))) {
            return false;
        }
        response.getHeaders().add(file.contentType());
        response.getHeaders().add(CSP);
        response.getHeaders().add(NO_SNIFF);
        response.getHeaders().add(NO_CACHE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.bytes().length);
        response.write(true, head ? null : ByteBuffer.wrap(file.bytes()), callback);
        return true;
    }

    private static File load(String name, String contentType) {
        try (InputStream in = ChatPage.class.getResourceAsStream("chat/" + name)) {
            if (in == null) {
                throw new IllegalStateException("chat page file missing from the jar: " + name);
            }
            return new File(new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, contentType), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
