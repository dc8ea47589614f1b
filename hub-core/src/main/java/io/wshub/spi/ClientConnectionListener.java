package io.wshub.spi;

/**
 * Where a {@link ClientTransport} reports what happens on one {@link ClientConnection}: the same
 * events and promises as on the server side ({@link ConnectionListener}): one at a time, messages
 * only on {@link ClientConnection#demand()}, {@link #onClose} exactly once and nothing after it.
 * A transport keeps them by handing what it reads to an {@link InboundPipeline}.
 */
public interface ClientConnectionListener extends ConnectionListener {
}
