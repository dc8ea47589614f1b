package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.CloseStatus;
import io.wshub.Departure;
import io.wshub.ErrorKind;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.Session;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
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
 * <p>Any message may carry a {@code ref} (a string of 1–64 characters or a number of at most 64):
 * the router answers it exactly once, with {@code {"type":"ack","ref":X}} after the handler
 * returned (with {@code "seq":N} when the handler {@linkplain #reportSeq reported} the message's
 * position), or with the error carrying {@code "ref":X}. A message whose ref the session already
 * handled is not handled again: its ack goes again, same seq ({@link Session#refHandled}). A ref of
 * another kind is {@link Envelope#INVALID_FORMAT}, and the message is not handled.
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
    /** The seq the handler on this thread reported for the message it handles ({@link #reportSeq}). */
    private static final ThreadLocal<long[]> SEQ = ThreadLocal.withInitial(() -> new long[1]);
    /**
     * The seq to come that the handler on this thread reported ({@link #reportSeq(CompletionStage)}):
     * [0] the handling under way's, [1] the one just done's, for {@link #takeLater()}.
     */
    private static final ThreadLocal<Object[]> LATER = ThreadLocal.withInitial(() -> new Object[2]);

    private final Map<String, MessageHandler> handlers;
    private final List<Consumer<Session>> openHooks;
    private final List<BiConsumer<Session, CloseStatus>> closeHooks;
    private final List<Consumer<Session>> resumedHooks;
    private final List<BiConsumer<Session, CloseStatus>> heldHooks;
    private final List<BiConsumer<Hub, Departure>> departureHooks;
    private final boolean shutdownNotice;
    private final boolean neverBlocks;

    private MessageRouter(Builder b) {
        this.handlers = Map.copyOf(b.handlers);
        this.openHooks = List.copyOf(b.openHooks);
        this.closeHooks = List.copyOf(b.closeHooks);
        this.resumedHooks = List.copyOf(b.resumedHooks);
        this.heldHooks = List.copyOf(b.heldHooks);
        this.departureHooks = List.copyOf(b.departureHooks);
        this.shutdownNotice = b.shutdownNotice;
        this.neverBlocks = b.neverBlocks;
    }

    /** What its builder was told: {@link Builder#neverBlocks(boolean)}. */
    @Override
    public boolean neverBlocks() {
        return neverBlocks;
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
    public void onResumed(Session session) {
        for (Consumer<Session> hook : resumedHooks) {
            hook.accept(session);
        }
    }

    @Override
    public void onHeld(Session session, CloseStatus status) {
        for (BiConsumer<Session, CloseStatus> hook : heldHooks) {
            hook.accept(session, status);
        }
    }

    @Override
    public void onText(Session session, String text) {
        JsonNode ref = null;
        try {
            ObjectNode message = Envelope.parseObject(text);
            ref = Refs.of(message);
            String type = Envelope.requireType(message);
            if (ref != null && acknowledgedAgain(session, ref)) {
                return; // handled before: not handled again
            }
            MessageHandler handler = handlers.get(type);
            if (handler == null) {
                throw new ProtocolError(Envelope.unknownType(type));
            }
            session.hub().reportMessageType(session, type); // only registered types: a client's own would be unbounded
            if (ref == null) {
                handler.handle(session, message);
            } else {
                long seq = handleForSeq(handler, session, message);
                CompletionStage<Long> later = takeLater();
                if (later == null) {
                    session.rememberRef(Refs.key(ref), seq);
                    session.send(Refs.ack(ref, seq)); // after the message's own reply
                } else {
                    JsonNode handled = ref;
                    later.whenComplete((given, error) -> { // the ref is remembered once its seq is known
                        long n = given == null ? 0 : given;
                        session.rememberRef(Refs.key(handled), n);
                        session.send(Refs.ack(handled, n));
                    });
                }
            }
        } catch (ProtocolError e) {
            refuse(session, e.getMessage(), ref);
        }
    }

    /**
     * For a handler: the message it is handling took this seq (a room message's, from
     * {@link io.wshub.Rooms#publish}), so that its {@code ack} carries it. Call it on the handler's
     * thread, during the handler; anywhere else it does nothing.
     */
    public static void reportSeq(long seq) {
        long[] slot = SEQ.get();
        slot[0] = seq;
    }

    /**
     * For a handler: the message it is handling takes the seq this stage completes with (a room
     * message's whose seq the cluster gives, from {@link io.wshub.Rooms#publishSequenced}); its
     * {@code ack} goes when it completes, and its ref is remembered then. Call it on the handler's
     * thread, during the handler; anywhere else it does nothing.
     */
    public static void reportSeq(CompletionStage<Long> seq) {
        LATER.get()[0] = seq;
    }

    /**
     * Runs the handler, and returns the seq it reported at once (0: none); a seq it reported to come
     * is left for {@link #takeLater()}. Nested handlings keep their own.
     */
    private static long handleForSeq(MessageHandler handler, Session session, ObjectNode message) {
        long[] slot = SEQ.get();
        Object[] later = LATER.get();
        long outer = slot[0];
        Object outerLater = later[0];
        slot[0] = 0;
        later[0] = null;
        try {
            handler.handle(session, message);
            later[1] = later[0];
            return slot[0];
        } finally {
            slot[0] = outer;
            later[0] = outerLater;
        }
    }

    /** The seq to come that the handling just done reported, or null; taken once. */
    @SuppressWarnings("unchecked")
    private static CompletionStage<Long> takeLater() {
        Object[] later = LATER.get();
        Object stage = later[1];
        later[1] = null;
        return (CompletionStage<Long>) stage;
    }

    /** Whether the ref was handled already; if so, its ack goes again, with the same seq. */
    private static boolean acknowledgedAgain(Session session, JsonNode ref) {
        OptionalLong seq = session.refHandled(Refs.key(ref));
        if (seq.isEmpty()) {
            return false;
        }
        session.send(Refs.ack(ref, seq.getAsLong()));
        return true;
    }

    @Override
    public void onBinary(Session session, ByteBuffer data) {
        refuse(session, Envelope.INVALID_FORMAT, null);
    }

    @Override
    public void onRateLimited(Session session) {
        session.send(Envelope.error(Envelope.RATE_LIMIT_EXCEEDED));
    }

    /**
     * A refused message with a ref gets the error with its ref, or, when that ref was handled
     * before, its ack again: the message was handled, the client only missed the answer.
     */
    @Override
    public void onRateLimited(Session session, String text) {
        JsonNode ref = text == null ? null : Refs.ofAnything(text);
        if (ref == null || !acknowledgedAgain(session, ref)) {
            session.send(Refs.error(Envelope.RATE_LIMIT_EXCEEDED, ref));
        }
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

    @Override
    public void onDeparture(Hub hub, Departure departure) {
        for (BiConsumer<Hub, Departure> hook : departureHooks) {
            hook.accept(hub, departure);
        }
    }

    private static void refuse(Session session, String error, JsonNode ref) {
        session.hub().reportError(ErrorKind.INVALID_MESSAGE, session, error);
        session.send(Refs.error(error, ref));
    }

    /** Builds a {@link MessageRouter}; a later registration of a type replaces an earlier one. */
    public static final class Builder {
        private final Map<String, MessageHandler> handlers = new HashMap<>();
        private final List<Consumer<Session>> openHooks = new ArrayList<>();
        private final List<BiConsumer<Session, CloseStatus>> closeHooks = new ArrayList<>();
        private final List<Consumer<Session>> resumedHooks = new ArrayList<>();
        private final List<BiConsumer<Session, CloseStatus>> heldHooks = new ArrayList<>();
        private final List<BiConsumer<Hub, Departure>> departureHooks = new ArrayList<>();
        private boolean shutdownNotice = true;
        private boolean neverBlocks;

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

        /** Runs this when a new connection takes a session back ({@link HubHandler#onResumed}), after the hooks added before it. */
        public Builder onResumed(Consumer<Session> hook) {
            resumedHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /**
         * Runs this when a session of a dead node ends unresumed ({@link HubHandler#onDeparture}),
         * after the hooks added before it.
         */
        public Builder onDeparture(BiConsumer<Hub, Departure> hook) {
            departureHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /** Runs this when a session is held for resume ({@link HubHandler#onHeld}), after the hooks added before it. */
        public Builder onHeld(BiConsumer<Session, CloseStatus> hook) {
            heldHooks.add(Objects.requireNonNull(hook, "hook"));
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

        /**
         * Whether every handler and hook given to this builder, before or after this call, returns
         * without blocking ({@link HubHandler#neverBlocks()}); default false. The room and echo
         * protocols' own handlers never block, so a router of theirs can say so unless the
         * application adds handlers that do.
         */
        public Builder neverBlocks(boolean promise) {
            this.neverBlocks = promise;
            return this;
        }

        /** The router. */
        public MessageRouter build() {
            return new MessageRouter(this);
        }
    }
}
