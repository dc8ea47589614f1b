package io.wshub.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Opens client-side WebSocket connections for {@link io.wshub.client.ReconnectingClient}. One
 * transport may serve many clients and connections at once (hub-client's Jetty transport shares
 * one {@code WebSocketClient}); it never exposes its own types.
 *
 * <h2>What the transport promises</h2>
 * <ul>
 *   <li>{@link #connect} returns at once and never blocks; the upgrade runs in the background.</li>
 *   <li>The returned future completes with the open connection, or fails: with
 *       {@link io.wshub.client.HandshakeRefusedException} when the server answered the upgrade
 *       with an HTTP status other than 101 (the client decides whether to retry by that status),
 *       and with any other exception when the connection could not be made.</li>
 *   <li>Cancelling the future abandons the attempt and releases its socket; a connection that
 *       opens after the cancellation is closed by the transport and never reported.</li>
 *   <li>Once the connection is open, events go to the listener given to {@link #connect} (possibly
 *       before the future's dependents run), with the promises of {@link ClientConnectionListener}.</li>
 * </ul>
 */
public interface ClientTransport {

    /** Starts opening a connection; see the class comment for how it ends. */
    CompletableFuture<ClientConnection> connect(ClientConnectRequest request, ClientConnectionListener listener);

    /**
     * The timer and clock the transport's clients use unless they are given their own. Its tasks
     * must be quick; they run on a transport thread.
     */
    Scheduler scheduler();

    /**
     * Releases every thread and socket the transport holds; open connections are dropped. Returns
     * when they are released, also when an earlier call began the release; on one of the
     * transport's own threads (a callback) it may return at once and finish in the background.
     * Calling it again is harmless.
     */
    void close();
}
