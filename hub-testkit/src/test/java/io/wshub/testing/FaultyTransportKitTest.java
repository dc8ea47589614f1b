package io.wshub.testing;

import io.wshub.spi.ConnectionAcceptor;
import io.wshub.testkit.InMemoryKitServer;
import io.wshub.testkit.KitServer;
import io.wshub.testkit.TransportTestKit;

/** Without a fault, the faulty network keeps every promise of the transport it wraps. */
class FaultyTransportKitTest extends TransportTestKit {

    @Override
    protected KitServer startServer(ConnectionAcceptor acceptor) {
        return new InMemoryKitServer(new FaultyTransport(acceptor, new ManualScheduler()));
    }
}
