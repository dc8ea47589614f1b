package io.wshub.client.jetty;

import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.protocol.RoomProtocol;
import io.wshub.jetty.WshubHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.time.Duration;

/**
 * A real wshub room hub in Jetty, mounted with hub-jetty, that can be stopped and started again on
 * the same port: the first start binds an ephemeral port, every later start binds that one again
 * with a fresh hub (a hub that shut down stays shut).
 */
final class RoomHub implements AutoCloseable {

    private int port; // 0 until the first start
    private Server server;
    private Hub hub;

    RoomHub start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        hub = Hub.builder()
                .options(HubOptions.builder().shutdownGrace(Duration.ofSeconds(1)).build())
                .handler(RoomProtocol.router().build())
                .build();
        server.setHandler(WshubHandler.builder(server).mount("/ws", hub).build());
        server.start();
        port = connector.getLocalPort();
        return this;
    }

    /** The hub running now. */
    Hub hub() {
        return hub;
    }

    URI uri() {
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
