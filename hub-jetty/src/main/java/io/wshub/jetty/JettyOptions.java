package io.wshub.jetty;

/**
 * Transport settings that belong to Jetty rather than to the hub. The hub's own limits (message
 * size, timeouts) come from {@link io.wshub.HubOptions} and are mapped onto Jetty by
 * {@link WshubHandler}; these are the rest.
 *
 * @param permessageDeflate whether to accept the permessage-deflate extension when a client offers
 *                          it (browsers and Node {@code ws} do). Off by default. With it on and
 *                          context takeover off (the default) a broadcast is compressed once for all
 *                          its recipients; see docs/performance.md, "Compression".
 * @param inputBufferSize   bytes of the buffer each connection reads into, at least 512
 *                          (default 4096, Jetty's)
 * @param outputBufferSize  bytes of the buffer that batches small outgoing frames into one write,
 *                          at least 512 (default 4096, Jetty's)
 * @param deflateThreshold  with deflate on, the smallest message compressed, in bytes; smaller ones
 *                          go as they are (default 1024, as Node {@code ws}: below it the frame
 *                          header and the deflate block cost more than they save)
 * @param deflateLevel      the zlib level, 0-9, or -1 for zlib's default, 6
 * @param deflateContextTakeover whether the server keeps its compression context from message to
 *                          message. Off by default: the server answers {@code server_no_context_takeover},
 *                          every message is compressed on its own, once, and the same compressed bytes
 *                          go to every recipient, with no compressor kept per connection. On: better
 *                          ratios for streams of similar messages, at a compressor (about 256 KiB of
 *                          native memory) per connection and a compression per recipient.
 */
public record JettyOptions(boolean permessageDeflate, int inputBufferSize, int outputBufferSize,
                           int deflateThreshold, int deflateLevel, boolean deflateContextTakeover) {

    /** Smallest buffer accepted: room for a few frame headers and a control frame. */
    static final int MIN_BUFFER_SIZE = 512;
    /** Jetty's own default for both buffers. */
    static final int DEFAULT_BUFFER_SIZE = 4096;

    /** The default of {@code deflateThreshold}. */
    static final int DEFAULT_DEFLATE_THRESHOLD = 1024;

    /** Deflate off, Jetty's default buffer sizes. */
    public static final JettyOptions DEFAULTS = new JettyOptions(false, DEFAULT_BUFFER_SIZE, DEFAULT_BUFFER_SIZE);

    /** Validates the buffer sizes and the deflate settings. */
    public JettyOptions {
        atLeastMin("inputBufferSize", inputBufferSize);
        atLeastMin("outputBufferSize", outputBufferSize);
        if (deflateThreshold < 0) {
            throw new IllegalArgumentException("deflateThreshold must be >= 0, was " + deflateThreshold);
        }
        if (deflateLevel < -1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflateLevel must be -1 (zlib's default) or 0-9, was " + deflateLevel);
        }
    }

    /** These settings with the deflate defaults: threshold 1024 bytes, zlib's level, no context takeover. */
    public JettyOptions(boolean permessageDeflate, int inputBufferSize, int outputBufferSize) {
        this(permessageDeflate, inputBufferSize, outputBufferSize, DEFAULT_DEFLATE_THRESHOLD, -1, false);
    }

    /** These options with permessage-deflate on or off. */
    public JettyOptions withPermessageDeflate(boolean on) {
        return new JettyOptions(on, inputBufferSize, outputBufferSize, deflateThreshold, deflateLevel, deflateContextTakeover);
    }

    /** These options with deflate on and these settings. */
    public JettyOptions withDeflate(int threshold, int level, boolean contextTakeover) {
        return new JettyOptions(true, inputBufferSize, outputBufferSize, threshold, level, contextTakeover);
    }

    private static void atLeastMin(String field, int value) {
        if (value < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException(field + " must be >= " + MIN_BUFFER_SIZE + ", was " + value);
        }
    }
}
