package io.wshub.bench.loadtest;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * The server under load: a {@code ws://} URL whose host is a loopback address. The load tool
 * opens thousands of connections and sends as fast as it can, which is fit only for a machine
 * of one's own, so any other host is refused.
 *
 * @param uri     the WebSocket URL, with the scenario's path when none was given
 * @param address the loopback address it resolves to
 */
record Target(URI uri, InetAddress address) {

    /**
     * Parses and checks a URL.
     *
     * @param url         {@code ws://host:port[/path]}
     * @param defaultPath the scenario's path, used when the URL has none
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    static Target parse(String url, String defaultPath) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (!"ws".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only ws:// URLs are supported (a loopback server needs no TLS), was: " + url);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("the URL names no host: " + url);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host: " + host);
        }
        for (InetAddress address : addresses) {
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to load-test " + host + " (" + address.getHostAddress()
                        + "): the load tool only targets loopback addresses (127.0.0.0/8, ::1)");
            }
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")
                ? defaultPath : uri.getPath();
        try {
            return new Target(new URI("ws", null, host, port, path, uri.getQuery(), null), addresses[0]);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
    }

    /** Whether the server is reached over IPv4, so that other 127.0.0.x source addresses can be used. */
    boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The server's {@code /health} URL on the same host and port. */
    URI healthUri() {
        return URI.create("http://" + uri.getRawAuthority() + "/health");
    }
}
