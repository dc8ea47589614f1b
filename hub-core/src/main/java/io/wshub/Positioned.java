package io.wshub;

/**
 * A message that takes its place in a history when the hub delivers it: a room message sent with
 * {@link Rooms#publish}, a private message sent with {@link Hub#sendTo(String, Positioned)}. The hub
 * gives it the history's next seq, under the lock that orders the history, and asks for the frame
 * that carries it; a protocol writes the seq into the message (the room protocol's {@code "seq":N},
 * see {@code io.wshub.protocol.Envelope#positioned}).
 *
 * <p>Both methods are called at most once per delivery, under a hub lock: they must be quick, must
 * not block and must not call the hub. Encode the message once, ahead, and only add the position
 * here.
 */
public interface Positioned {

    /** The message without a position: sent when the history is off, and to other nodes. */
    Message unpositioned();

    /** The message at this seq (1, 2, 3, …). */
    Message at(long seq);
}
