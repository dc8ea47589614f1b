package io.wshub.testkit;

import java.util.Map;

/** A transport's server under test, feeding the kit's acceptor. */
public interface KitServer extends AutoCloseable {

    /**
     * Opens a client connection with these request headers and query parameters.
     *
     * @throws KitUpgradeRefused when the server answers the upgrade with an HTTP error
     */
    KitClient connect(Map<String, String> headers, Map<String, String> query) throws Exception;
}
