package io.wshub.spi;

import io.wshub.Message;

import java.util.Map;

/**
 * A {@link Broker} that carries trace contexts: it implements the traced publishes, and the plain
 * ones publish with no context. The base for brokers that can carry one (the in-process and the
 * Redis broker); a broker that cannot implements {@link Broker} itself.
 */
public abstract class TracedBroker implements Broker {

    @Override
    public final void publishBroadcast(Message frame, String exceptSessionId) {
        publishBroadcast(frame, exceptSessionId, null);
    }

    @Override
    public final void publishRoom(String room, Message frame, String exceptSessionId) {
        publishRoom(room, frame, exceptSessionId, null);
    }

    @Override
    public final boolean publishPrivate(String sessionId, Message frame) {
        return publishPrivate(sessionId, frame, null);
    }

    @Override
    public abstract void publishBroadcast(Message frame, String exceptSessionId, Map<String, String> traceContext);

    @Override
    public abstract void publishRoom(String room, Message frame, String exceptSessionId, Map<String, String> traceContext);

    @Override
    public abstract boolean publishPrivate(String sessionId, Message frame, Map<String, String> traceContext);
}
