package io.wshub.client.jetty;

import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.protocol.RoomProtocol;
import io.wshub.jetty.WshubHandler;
import io.wshub.testkit.ClientTransportTestKit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A real wshub hub in Jetty, mounted at {@code /ws} with hub-jetty on 127.0.0.1, that can be stopped
 * and started again on the same port: the first start binds an ephemeral port, every later start
 * binds that one again with a fresh hub from the supplier (a hub that shut down stays shut). By
 * default a room hub; the client transport kit serves its own hub here.
 */
final class JettyHub implements ClientTransportTestKit.ServedHub {

    private final Supplier<Hub> hubs;
    private int port; // 0 until the first start
    private Server server;
    private Hub hub;

    /** Room hubs with a one-second shutdown grace. */
    JettyHub() {
        this(() -> Hub.builder()
                .options(HubOptions.builder().shutdownGrace(Duration.ofSeconds(1)).build())
                .handler(RoomProtocol.router().build())
                .build());
    }

    /** A hub from this supplier at each start. */
    JettyHub(Supplier<Hub> hubs) {
        this.hubs = hubs;
    }

    JettyHub start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        hub = hubs.get();
        server.setHandler(WshubHandler.builder(server).mount("/ws", hub).build());
        server.start();
        port = connector.getLocalPort();
        return this;
    }

    /** The hub running now. */
    Hub hub() {
        return hub;
    }

    /** The port it listens on, once started. */
    int port() {
        return port;
    }

    @Override
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** Stops like a deploy does: the hub's shutdown notice and close 1001 to every client, then Jetty stops. */
    void stop() throws Exception {
        server.stop();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
