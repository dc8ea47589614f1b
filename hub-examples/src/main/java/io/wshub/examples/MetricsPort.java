package io.wshub.examples;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * With {@code metricsPort} set, the metrics answer on their own connector and nowhere else, and
 * nothing else answers there: a scraper's port can be opened to the monitoring network alone.
 */
final class MetricsPort extends Handler.Wrapper {

    private final Connector connector;
    private final String metricsPath;

    /** @param server the server's handler, which serves the metrics path itself */
    MetricsPort(Connector connector, String metricsPath, Handler server) {
        super(server);
        this.connector = connector;
        this.metricsPath = metricsPath;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean onMetricsPort = request.getConnectionMetaData().getConnector() == connector;
        boolean forMetrics = Request.getPathInContext(request).equals(metricsPath);
        if (onMetricsPort != forMetrics) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
