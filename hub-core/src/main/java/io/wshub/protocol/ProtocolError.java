package io.wshub.protocol;

/**
 * A message the protocol refuses. Thrown by a {@link MessageHandler}, it becomes the error frame
 * {@code {"type":"error","error":MESSAGE}} to the sender, and the connection stays open.
 */
public final class ProtocolError extends RuntimeException {

    /** The error text the client receives, e.g. {@link Envelope#INVALID_ROOM}. */
    public ProtocolError(String message) {
        super(message, null, false, false); // a client error, not a server fault: no stack trace
    }
}
