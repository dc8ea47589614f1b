package io.wshub.operations;

import io.wshub.Hub;
import io.wshub.jetty.TestServer;
import io.wshub.jetty.WshubHandler;

import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A Jetty server for tests with hubs mounted by a {@link WshubHandler} and the operations endpoints behind it. */
final class OperationsServer implements AutoCloseable {

    private final TestServer server;
    private final OperationsHandler operations;

    private OperationsServer(TestServer server, OperationsHandler operations) {
        this.server = server;
        this.operations = operations;
    }

    /** Starts a server with these hubs by path and the endpoints {@code endpoints} configures. */
    static OperationsServer start(Map<String, Hub> hubs, UnaryOperator<OperationsHandler.Builder> endpoints) throws Exception {
        OperationsHandler[] operations = new OperationsHandler[1];
        TestServer server = TestServer.start(s -> {
            WshubHandler.Builder b = WshubHandler.builder(s);
            hubs.forEach(b::mount);
            WshubHandler wshub = b.build();
            operations[0] = endpoints.apply(OperationsHandler.builder(wshub.hubs())).build();
            wshub.setHandler(operations[0]);
            return wshub;
        });
        return new OperationsServer(server, operations[0]);
    }

    OperationsHandler operations() {
        return operations;
    }

    URI http(String path) {
        return server.http(path);
    }

    URI ws(String pathAndQuery) {
        return server.ws(pathAndQuery);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
