package io.wshub.client;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What became of a message a {@link RoomClient} sent: the server acknowledged it (it handled the
 * message, once, however often the client had to send it), or — from a server that does not
 * acknowledge, one whose welcome offers no {@code resume} — it was written to the network.
 *
 * @param ref          the {@code ref} the room client gave the message
 * @param acknowledged whether the server's {@code ack} says it was handled; false: it was only written
 * @param seq          for a room message the server acknowledged, its position in the room (the
 *                     {@code seq} its members got it with), when the room keeps a history
 */
public record Receipt(String ref, boolean acknowledged, OptionalLong seq) {

    /** Checks for nulls. */
    public Receipt {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(seq, "seq");
    }
}
