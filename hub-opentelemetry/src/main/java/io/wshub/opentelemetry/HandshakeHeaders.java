package io.wshub.opentelemetry;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.wshub.Handshake;

/** Reads a propagator's fields ({@code traceparent}, {@code tracestate}) from an upgrade request's headers. */
enum HandshakeHeaders implements TextMapGetter<Handshake> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Handshake handshake) {
        return handshake.headers().keySet();
    }

    @Override
    public String get(Handshake handshake, String name) {
        return handshake == null ? null : handshake.header(name).orElse(null);
    }
}
