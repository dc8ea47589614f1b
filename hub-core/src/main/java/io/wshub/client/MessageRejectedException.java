package io.wshub.client;

import java.util.Objects;

/**
 * The server answered a message the {@link RoomClient} sent with an error: it handled it and
 * refused it ({@code Not in room}, {@code User not found}, {@code Rate limit exceeded},
 * {@code Not allowed} …). Sending it again as it is will not help; a rate-limited message may be
 * sent again later (a refused message is not remembered by the server's dedupe).
 */
public final class MessageRejectedException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String ref;
    private final String error;

    /** The server refused the message with this {@code ref}, saying {@code error}. */
    public MessageRejectedException(String ref, String error) {
        super("the server refused message " + ref + ": " + error, null);
        this.ref = Objects.requireNonNull(ref, "ref");
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The {@code ref} of the refused message. */
    public String ref() {
        return ref;
    }

    /** The server's {@code error}, as it said it (docs/protocol.md lists them). */
    public String error() {
        return error;
    }
}
