package io.wshub.bench;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * {@code GET /health}: connections and memory as one JSON object, for the load tool's idle
 * scenario when it is not given the server's pid. Every other request gets 404.
 */
final class FloorHealthHandler extends Handler.Abstract.NonBlocking {

    private final BroadcastGroup broadcastGroup;

    FloorHealthHandler(BroadcastGroup broadcastGroup) {
        this.broadcastGroup = broadcastGroup;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!"/health".equals(Request.getPathInContext(request))) {
            return false;
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        String json = "{\"status\":\"UP\""
                + ",\"broadcastSessions\":" + broadcastGroup.size()
                + ",\"sendFailures\":" + broadcastGroup.sendFailures()
                + ",\"threads\":" + ManagementFactory.getThreadMXBean().getThreadCount()
                + ",\"memory\":{\"heapUsedBytes\":" + heap.getUsed()
                + ",\"heapCommittedBytes\":" + heap.getCommitted()
                + ",\"nonHeapUsedBytes\":" + nonHeap.getUsed() + "}}";
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, json, callback);
        return true;
    }
}
