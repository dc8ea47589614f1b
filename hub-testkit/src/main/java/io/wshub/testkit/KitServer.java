package io.wshub.testkit;

import java.util.Map;

/**
 * A server transport under test, started by {@link TransportTestKit#startServer} to feed the kit's
 * acceptor; the kit connects clients to it, and closes it after each test (releasing its port and
 * threads).
 */
public interface KitServer extends AutoCloseable {

    /**
     * Opens a client connection with these request headers and query parameters.
     *
     * @throws KitUpgradeRefused when the server answers the upgrade with an HTTP error
     */
    KitClient connect(Map<String, String> headers, Map<String, String> query) throws Exception;
}
