package io.wshub.internal;

import io.wshub.spi.Tracing;

/**
 * Runs the application's handler with one inbound message: timed for the metrics listener and
 * traced as the message's span, with the type the protocol named ({@link io.wshub.Hub#reportMessageType}),
 * when anyone listens; else it only runs it, reading no clock.
 */
final class MessageHandling {

    private final HubCounters counters;
    private final Tracing tracing;
    private final NanoClock clock;
    private final boolean timed;
    private final boolean traced;

    MessageHandling(HubCounters counters, Tracing tracing, NanoClock clock) {
        this.counters = counters;
        this.tracing = tracing;
        this.clock = clock;
        this.timed = counters.listens();
        this.traced = tracing != Tracing.NONE;
    }

    /** Runs the handler on the session's inbound thread; a throw closes the session (see {@link HubSession#runHandler}). */
    void run(HubSession session, boolean binary, long bytes, Runnable handlerCall) {
        if (!timed && !traced) {
            session.runHandler(handlerCall);
            return;
        }
        Tracing.Span span = tracing.message(session, binary, (int) Math.min(bytes, Integer.MAX_VALUE));
        session.takeHandledType(); // a type named outside a handler is not this message's
        long started = clock.nanoTime();
        boolean returned = session.runHandler(handlerCall);
        long nanos = clock.nanoTime() - started;
        String type = session.takeHandledType();
        span.handled(type, !returned);
        span.end();
        if (timed) {
            counters.messageHandled(session, type, nanos);
        }
    }
}
