package io.wshub.client.jetty;

import io.wshub.Hub;
import io.wshub.spi.ClientTransport;
import io.wshub.testkit.ClientTransportTestKit;

/** The Jetty client transport keeps every promise of the client transport SPI, against a hub in Jetty. */
class JettyClientTransportKitTest extends ClientTransportTestKit {

    @Override
    protected ClientTransport newTransport() {
        return JettyClientTransport.create();
    }

    @Override
    protected ServedHub serve(Hub hub) throws Exception {
        return new JettyHub(() -> hub).start();
    }
}
