package io.wshub.spi;

/**
 * Completion of one {@link Connection#send} call. Exactly one of the two methods is called,
 * exactly once, on any thread; possibly before {@code send} returns.
 */
public interface SendCallback {

    /** Every frame of the write was handed to the network. */
    void succeeded();

    /** The write failed; the connection is unusable and its close will be reported. */
    void failed(Throwable cause);
}
