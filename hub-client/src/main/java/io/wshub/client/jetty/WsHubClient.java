package io.wshub.client.jetty;

import io.wshub.client.MessageHandler;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import io.wshub.client.pool.ClientPool;

import java.util.Objects;

/**
 * Where users start: reconnecting clients and client pools on Jetty's WebSocket client.
 *
 * <pre>{@code
 * // One client, its own Jetty client underneath, closed with it:
 * ReconnectingClient client = WsHubClient.builder("ws://localhost:8080/ws")
 *         .onMessage(frame -> System.out.println(frame.text()))
 *         .connect();
 *
 * // Over TLS, trusting a private CA:
 * ReconnectingClient secure = WsHubClient.builder(ClientTls.trustPem(Path.of("ca.crt")), "wss://hub.internal:8443/ws")
 *         .connect();
 *
 * // Many clients in one process: share one transport.
 * JettyClientTransport transport = JettyClientTransport.create();
 * ReconnectingClient a = ReconnectingClient.builder(transport).url("ws://hub-1:8080/ws").connect();
 * ReconnectingClient b = ReconnectingClient.builder(transport).url("ws://hub-2:8080/ws").connect();
 * // ... a.close(); b.close(); transport.close();
 * }</pre>
 */
public final class WsHubClient {

    private WsHubClient() {
    }

    /**
     * A builder for a client with a Jetty transport of its own, which {@link ReconnectingClient#close()}
     * closes with it. Several URLs are tried in turn when one is down.
     */
    public static ReconnectingClient.Builder builder(String... urls) {
        return builder(ClientTls.systemDefault(), urls);
    }

    /**
     * A builder for a client with a Jetty transport of its own that trusts {@code wss://} servers as
     * {@code tls} says; see {@link #builder(String...)}.
     */
    public static ReconnectingClient.Builder builder(ClientTls tls, String... urls) {
        Objects.requireNonNull(urls, "urls");
        ReconnectingClient.Builder builder = ReconnectingClient.builder(JettyClientTransport.create(tls))
                .closeTransportOnClose(true);
        for (String url : urls) {
            builder.url(url);
        }
        return builder;
    }

    /** Connects a client that hands every message to {@code handler}; see {@link #builder}. */
    public static ReconnectingClient connect(String url, MessageHandler handler) {
        return builder(url).onMessage(handler).connect();
    }

    /**
     * Connects a client that speaks the room protocol and joins its rooms again after every
     * reconnect; see {@link RoomClient}.
     */
    public static RoomClient rooms(String url, MessageHandler handler) {
        return RoomClient.connect(builder(url).onMessage(handler));
    }

    /** A builder for a pool with a Jetty transport of its own, which {@link ClientPool#close()} closes with it. */
    public static ClientPool.Builder pool(String... urls) {
        return pool(ClientTls.systemDefault(), urls);
    }

    /** A pool's builder as {@link #pool(String...)}, whose transport trusts {@code wss://} servers as {@code tls} says. */
    public static ClientPool.Builder pool(ClientTls tls, String... urls) {
        Objects.requireNonNull(urls, "urls");
        ClientPool.Builder builder = ClientPool.builder(JettyClientTransport.create(tls)).closeTransportOnClose(true);
        for (String url : urls) {
            builder.url(url);
        }
        return builder;
    }
}
