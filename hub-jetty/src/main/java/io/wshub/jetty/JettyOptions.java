package io.wshub.jetty;

/**
 * Transport settings that belong to Jetty rather than to the hub. The hub's own limits (message
 * size, timeouts) come from {@link io.wshub.HubOptions} and are mapped onto Jetty by
 * {@link WshubHandler}; these are the rest.
 *
 * @param permessageDeflate whether to accept the permessage-deflate extension when a client offers
 *                          it. Off by default: each session compresses on its own, so a broadcast
 *                          to N sessions costs N compressions and N compressor states, which
 *                          defeats the hub's encode-once fan-out. Turn it on for large,
 *                          compressible messages to few recipients.
 * @param inputBufferSize   bytes of the buffer each connection reads into, at least 512
 *                          (default 4096, Jetty's)
 * @param outputBufferSize  bytes of the buffer that batches small outgoing frames into one write,
 *                          at least 512 (default 4096, Jetty's)
 */
public record JettyOptions(boolean permessageDeflate, int inputBufferSize, int outputBufferSize) {

    /** Smallest buffer accepted: room for a few frame headers and a control frame. */
    static final int MIN_BUFFER_SIZE = 512;
    /** Jetty's own default for both buffers. */
    static final int DEFAULT_BUFFER_SIZE = 4096;

    /** Deflate off, Jetty's default buffer sizes. */
    public static final JettyOptions DEFAULTS = new JettyOptions(false, DEFAULT_BUFFER_SIZE, DEFAULT_BUFFER_SIZE);

    /** Validates the buffer sizes. */
    public JettyOptions {
        atLeastMin("inputBufferSize", inputBufferSize);
        atLeastMin("outputBufferSize", outputBufferSize);
    }

    /** These options with permessage-deflate on or off. */
    public JettyOptions withPermessageDeflate(boolean on) {
        return new JettyOptions(on, inputBufferSize, outputBufferSize);
    }

    private static void atLeastMin(String field, int value) {
        if (value < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException(field + " must be >= " + MIN_BUFFER_SIZE + ", was " + value);
        }
    }
}
