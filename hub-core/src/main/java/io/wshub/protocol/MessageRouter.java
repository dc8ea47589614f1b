package io.wshub.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.CloseStatus;
import io.wshub.ErrorKind;
import io.wshub.HubHandler;
import io.wshub.Session;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link HubHandler} for the JSON envelope protocol: parses each text message, dispatches it by
 * {@code type} to a {@link MessageHandler}, and answers what it cannot handle with the protocol's
 * error frames ({@link Envelope#INVALID_FORMAT} for non-objects and binary frames,
 * {@link Envelope#MISSING_TYPE}, {@code Unknown message type: X}, and
 * {@link Envelope#RATE_LIMIT_EXCEEDED} for messages the rate limit refused). Bad input never
 * closes the connection. It tells the hub each registered type it dispatches
 * ({@link io.wshub.Hub#reportMessageType}), for the handler-time metric and the message's span.
 *
 * <pre>{@code
 * HubHandler handler = RoomProtocol.router()
 *         .on("typing", (session, msg) -> session.hub().rooms()
 *                 .broadcast(RoomProtocol.room(msg), Envelope.encode(msg.put("from", session.id())), session))
 *         .build();
 * }</pre>
 */
public final class MessageRouter implements HubHandler {

    private static final ObjectNode SHUTDOWN_NOTICE = Envelope.message("server_shutdown")
            .put("message", "Server is shutting down");

    private final Map<String, MessageHandler> handlers;
    private final List<Consumer<Session>> openHooks;
    private final List<BiConsumer<Session, CloseStatus>> closeHooks;
    private final boolean shutdownNotice;

    private MessageRouter(Builder b) {
        this.handlers = Map.copyOf(b.handlers);
        this.openHooks = List.copyOf(b.openHooks);
        this.closeHooks = List.copyOf(b.closeHooks);
        this.shutdownNotice = b.shutdownNotice;
    }

    /** The message types it has a handler for (a metrics binding tells these apart, the rest is "other"). */
    public Set<String> types() {
        return handlers.keySet();
    }

    /** An empty router: every type is unknown until registered. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onOpen(Session session) {
        for (Consumer<Session> hook : openHooks) {
            hook.accept(session);
        }
    }

    @Override
    public void onText(Session session, String text) {
        try {
            ObjectNode message = Envelope.parse(text);
            String type = Envelope.type(message);
            MessageHandler handler = handlers.get(type);
            if (handler == null) {
                throw new ProtocolError(Envelope.unknownType(type));
            }
            session.hub().reportMessageType(session, type); // only registered types: a client's own would be unbounded
            handler.handle(session, message);
        } catch (ProtocolError e) {
            refuse(session, e.getMessage());
        }
    }

    @Override
    public void onBinary(Session session, ByteBuffer data) {
        refuse(session, Envelope.INVALID_FORMAT);
    }

    @Override
    public void onRateLimited(Session session) {
        session.send(Envelope.error(Envelope.RATE_LIMIT_EXCEEDED));
    }

    @Override
    public void onShutdown(Session session) {
        if (shutdownNotice) {
            session.send(Envelope.encode(SHUTDOWN_NOTICE));
        }
    }

    @Override
    public void onClose(Session session, CloseStatus status) {
        for (BiConsumer<Session, CloseStatus> hook : closeHooks) {
            hook.accept(session, status);
        }
    }

    private static void refuse(Session session, String error) {
        session.hub().reportError(ErrorKind.INVALID_MESSAGE, session, error);
        session.send(Envelope.error(error));
    }

    /** Builds a {@link MessageRouter}; a later registration of a type replaces an earlier one. */
    public static final class Builder {
        private final Map<String, MessageHandler> handlers = new HashMap<>();
        private final List<Consumer<Session>> openHooks = new ArrayList<>();
        private final List<BiConsumer<Session, CloseStatus>> closeHooks = new ArrayList<>();
        private boolean shutdownNotice = true;

        private Builder() {
        }

        /** Handles messages of this type with this handler (replacing any earlier one). */
        public Builder on(String type, MessageHandler handler) {
            if (type == null || type.isEmpty()) {
                throw new IllegalArgumentException("message type must be a non-empty string");
            }
            handlers.put(type, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Wraps the handler registered for this type, e.g. with a permission check that throws
         * {@link ProtocolError} before calling the handler it was given.
         *
         * @throws IllegalStateException if no handler is registered for the type
         */
        public Builder around(String type, UnaryOperator<MessageHandler> wrapper) {
            MessageHandler current = handlers.get(type);
            if (current == null) {
                throw new IllegalStateException("no handler for message type " + type + " to wrap");
            }
            return on(type, Objects.requireNonNull(wrapper, "wrapper").apply(current));
        }

        /** Runs this when a session opens, after the hooks added before it. */
        public Builder onOpen(Consumer<Session> hook) {
            openHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /** Runs this when a session closes, after the hooks added before it. */
        public Builder onClose(BiConsumer<Session, CloseStatus> hook) {
            closeHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /**
         * Whether to send {@code {"type":"server_shutdown","message":"Server is shutting down"}}
         * before the 1001 close on shutdown (default true).
         */
        public Builder shutdownNotice(boolean send) {
            this.shutdownNotice = send;
            return this;
        }

        /** The router. */
        public MessageRouter build() {
            return new MessageRouter(this);
        }
    }
}
