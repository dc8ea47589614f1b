package io.wshub.testing;

import io.wshub.spi.ConnectionAcceptor;
import io.wshub.testkit.InMemoryKitServer;
import io.wshub.testkit.KitServer;
import io.wshub.testkit.TransportTestKit;

/** The in-memory transport keeps every promise of the transport SPI. */
class InMemoryTransportTest extends TransportTestKit {

    @Override
    protected KitServer startServer(ConnectionAcceptor acceptor) {
        return new InMemoryKitServer(acceptor);
    }
}
