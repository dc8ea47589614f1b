package io.wshub.examples;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Set;

/**
 * With {@code metricsPort} set, the metrics (and the admin endpoint, when set) answer on their own
 * connector and nowhere else, and nothing else answers there: a scraper's port can be opened to the
 * monitoring network alone.
 */
final class MetricsPort extends Handler.Wrapper {

    private final Connector connector;
    private final Set<String> ownPaths;

    /**
     * @param ownPaths the paths of this port alone
     * @param server   the server's handler, which serves those paths itself
     */
    MetricsPort(Connector connector, Set<String> ownPaths, Handler server) {
        super(server);
        this.connector = connector;
        this.ownPaths = Set.copyOf(ownPaths);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean onMetricsPort = request.getConnectionMetaData().getConnector() == connector;
        boolean forThisPort = ownPaths.contains(Request.getPathInContext(request));
        if (onMetricsPort != forThisPort) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
