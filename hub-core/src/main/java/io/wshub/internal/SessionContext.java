package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.spi.DeliveryStore;
import io.wshub.spi.Tracing;

import java.util.concurrent.Executor;

/**
 * What every session of one hub is built with, made once by the hub: its settings, the
 * application's handler, the counters, the clock, the flush executor, and where a session reports
 * its end. One instance per hub, so a session holds one reference for all of them.
 *
 * @param hub           the hub, for {@link io.wshub.Session#hub()}
 * @param flushExecutor runs the writes of large fan-outs
 * @param ends          hears that the transport ended a session
 * @param tracing       hears of the drops and slow consumers inside the current span
 * @param handling      runs the handler with each inbound message, timed and traced
 * @param store         keeps the sessions' inboxes, handled refs and resume tokens
 * @param rooms         the hub's rooms, whose histories a resume recovers from
 */
record SessionContext(Hub hub, HubOptions options, HubHandler handler, HubCounters counters, NanoClock clock,
                      Executor flushExecutor, Ends ends, Tracing tracing, MessageHandling handling,
                      DeliveryStore store, RoomRegistry rooms) {

    /** Where a session reports its end, once, and each hold, after the work that decided it (see {@link Deferral}). */
    interface Ends {
        /** The session ended; {@code wasHeld} when it was held for resume until now. */
        void sessionEnded(HubSession session, CloseStatus status, boolean wasHeld);

        /** Its connection ended, not for good: the session is held for the resume window. */
        void sessionHeld(HubSession session, CloseStatus status);
    }
}
