package io.wshub.client;

import io.wshub.internal.StreamSender;
import io.wshub.Message;

import java.util.concurrent.CompletableFuture;

/**
 * A message waiting to be written and the future its sender holds.
 *
 * @param deadlineNanos when it times out, on the client's clock; {@link Long#MAX_VALUE} for none
 * @param only          the one connection it may be written on, or null for any: on another it is
 *                      dropped unwritten and its future completes
 * @param stream        for a message sent as a stream, its sender ({@code frame} is its marker); else null
 */
record PendingSend(Message frame, CompletableFuture<Void> future, long deadlineNanos, Link only, StreamSender stream) {

    PendingSend(Message frame, CompletableFuture<Void> future, long deadlineNanos, Link only) {
        this(frame, future, deadlineNanos, only, null);
    }

    /** No deadline: restore sends, which the restore timeout bounds instead. */
    static final long NO_DEADLINE = Long.MAX_VALUE;
}
