package io.wshub.spi;

/**
 * Where a {@link ClientTransport} reports what happens on one {@link ClientConnection}: the same
 * events and promises as on the server side ({@link ConnectionListener}): one at a time, messages
 * only on {@link ClientConnection#demand()}, {@link #onClose} exactly once and nothing after it.
 * A transport keeps them by handing what it reads to an {@link InboundPipeline}.
 *
 * <p>When the request asks for streams ({@link ClientConnectRequest#streams()}) every data frame
 * reaches {@link #onChunk} instead of {@link #onText}/{@link #onBinary}, as on the server: one chunk
 * per {@link ClientConnection#demand()}, its buffer valid until the listener runs its release.
 */
public interface ClientConnectionListener extends ConnectionListener {
}
