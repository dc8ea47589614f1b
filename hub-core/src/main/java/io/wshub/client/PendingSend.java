package io.wshub.client;

import io.wshub.Message;

import java.util.concurrent.CompletableFuture;

/**
 * A message waiting to be written and the future its sender holds.
 *
 * @param deadlineNanos when it times out, on the client's clock; {@link Long#MAX_VALUE} for none
 */
record PendingSend(Message frame, CompletableFuture<Void> future, long deadlineNanos) {

    /** No deadline: restore sends, which the restore timeout bounds instead. */
    static final long NO_DEADLINE = Long.MAX_VALUE;
}
