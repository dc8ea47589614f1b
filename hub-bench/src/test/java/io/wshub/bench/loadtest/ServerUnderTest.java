package io.wshub.bench.loadtest;

import io.wshub.DeliveryPolicies;
import io.wshub.DeliveryPolicy;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.bench.RawJettyServer;
import io.wshub.jetty.WshubHandler;
import io.wshub.operations.OperationsHandler;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RawRelayHandler;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.time.Duration;

/**
 * The servers the load tool's end-to-end test runs against, each started in this JVM on an
 * ephemeral loopback port the first time it is asked for and stopped by {@link #stopAll()}.
 * Both serve {@code /echo}, {@code /broadcast} and {@code /health}.
 */
enum ServerUnderTest {

    /** The raw-Jetty floor, {@link RawJettyServer}. */
    RAW_JETTY {
        @Override
        AutoCloseable start() throws Exception {
            RawJettyServer server = RawJettyServer.start("127.0.0.1", 0, Duration.ofMinutes(1));
            port = server.port();
            return server;
        }
    },

    /**
     * wshub as its echo and broadcast example servers mount it: hub-jetty's handler with the raw
     * echo and relay handlers, and no rate limit (as {@code --rate-limit 0} sets for load tests);
     * and on {@code /ws} the room server's protocol with the rooms {@code ticker.*} conflating by
     * {@code symbol} (as {@code --room-policy 'ticker.*=conflate:symbol'} sets).
     */
    WSHUB {
        @Override
        AutoCloseable start() throws Exception {
            HubOptions options = HubOptions.builder().rateLimit(RateLimit.UNLIMITED).build();
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            WshubHandler wshub = WshubHandler.builder(server)
                    .mount("/echo", Hub.builder().options(options).handler(new RawEchoHandler()).build())
                    .mount("/broadcast", Hub.builder().options(options).handler(new RawRelayHandler()).build())
                    .mount("/ws", Hub.builder().options(options.toBuilder().deliveryPolicies(DeliveryPolicies.NONE
                                    .withRoom("ticker.*", DeliveryPolicy.conflate("symbol"))).build())
                            .handler(RoomProtocol.router(false).build()).build())
                    .build();
            wshub.setHandler(OperationsHandler.builder(wshub.hubs()).health("/health").build());
            server.setHandler(wshub);
            server.start();
            port = connector.getLocalPort();
            return server::stop; // stopping the server shuts its hubs down first
        }
    };

    // Confined to the test thread: JUnit runs this class's tests one after another.
    private AutoCloseable running;
    int port;

    abstract AutoCloseable start() throws Exception;

    /** The server's base URL, starting it if needed. */
    String url() throws Exception {
        if (running == null) {
            running = start();
        }
        return "ws://127.0.0.1:" + port;
    }

    /** Stops every server that was started. */
    static void stopAll() throws Exception {
        for (ServerUnderTest server : values()) {
            if (server.running != null) {
                server.running.close();
                server.running = null;
            }
        }
    }
}
