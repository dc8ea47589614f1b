package io.wshub.protocol;

import io.wshub.Message;

/**
 * The echo server's JSON protocol on {@code /ws} (docs/protocol.md): a welcome without an id, {@code echo}
 * answered with the same object, {@code ping} with {@code pong}, anything else with the
 * protocol's errors.
 */
public final class EchoProtocol {

    private static final Message WELCOME = Envelope.encode(Envelope.message("welcome")
            .put("content", RoomProtocol.WELCOME_CONTENT));
    private static final Message PONG = Envelope.encode(Envelope.message("pong"));

    private EchoProtocol() {
    }

    /** A router speaking the echo protocol; add application types with {@code on(...)}. */
    public static MessageRouter.Builder router() {
        return MessageRouter.builder()
                .onOpen(session -> session.send(WELCOME))
                .on("echo", (session, message) -> session.send(Envelope.encode(message)))
                .on("ping", (session, message) -> session.send(PONG));
    }
}
