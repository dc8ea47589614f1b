package io.wshub.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.internal.InboundChunk;
import io.wshub.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The client's way in: delivery of inbound messages (to the handler, or to the mailbox with
 * backpressure), demand, pongs and the heartbeat that tells a dead connection. Confined to the
 * client's serial executor, like the {@link ClientMachine} it belongs to.
 */
final class Inbound {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingClient.class);
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final ClientMachine machine;
    private final Scheduler scheduler;
    private final ClientOptions options;
    private final ReplyWaiters replies;
    private final ClientProtocol protocol;
    private final MessageHandler handler; // null: inbound messages go to the chunk handler or the mailbox
    private final ChunkHandler chunkHandler; // null: messages are taken whole
    private final Mailbox mailbox;        // null when there is a handler of either kind

    Inbound(ClientMachine machine, Scheduler scheduler, ClientOptions options, ReplyWaiters replies,
            ClientProtocol protocol, MessageHandler handler, ChunkHandler chunkHandler) {
        this.machine = machine;
        this.scheduler = scheduler;
        this.options = options;
        this.replies = replies;
        this.protocol = protocol;
        this.handler = handler;
        this.chunkHandler = chunkHandler;
        this.mailbox = handler != null || chunkHandler != null ? null
                : new Mailbox(options.receiveQueueMessages(), () -> machine.post(this::resumeReading));
    }

    Mailbox mailbox() {
        return mailbox;
    }

    /** Whether messages are taken as streams of chunks. */
    boolean streams() {
        return chunkHandler != null;
    }

    /** The connection is up: starts its heartbeat and asks for the first message. */
    void start(Link l) {
        long now = scheduler.nanoTime();
        l.startHeartbeat(new Heartbeat(options.pingInterval().toNanos(), options.pongTimeout().toNanos(), now));
        scheduleHeartbeat(l, now);
        demand(l);
    }

    void message(Link l, Message frame) {
        if (!machine.isCurrent(l) || l.heartbeat() == null) {
            return;
        }
        l.demandUsed();
        l.heartbeat().heard(scheduler.nanoTime());
        if (!delivers(frame)) {
            demand(l); // the protocol's own: read on
            return;
        }
        replies.offer(frame);
        if (handler != null) {
            try {
                handler.onMessage(frame);
            } catch (RuntimeException e) {
                log.warn("message handler failed", e);
            }
            demand(l);
        } else if (mailbox.offer(frame) || l.phase() == Link.Phase.RESTORING) {
            demand(l); // while restoring, keep reading: a hook may be waiting for its reply
        } else {
            l.pause();
        }
    }

    /**
     * A chunk: the reading pauses until it is released, so the heartbeat does not take the silence
     * that follows for a dead server.
     */
    void chunk(Link l, InboundChunk chunk) {
        if (!machine.isCurrent(l) || l.heartbeat() == null) {
            chunk.release(); // the link is gone: its read-next finds it so and does nothing
            return;
        }
        l.demandUsed();
        l.heartbeat().heard(scheduler.nanoTime());
        l.pause();
        try {
            chunkHandler.onChunk(chunk);
        } catch (RuntimeException e) {
            log.warn("chunk handler failed; the chunk is released", e);
            chunk.release();
        }
    }

    /** The handler released a chunk of this connection: read the next one. */
    void chunkReleased(Link l) {
        if (machine.isCurrent(l) && l.unpause()) {
            l.heartbeat().heard(scheduler.nanoTime());
            demand(l);
        }
    }

    private boolean delivers(Message frame) {
        try {
            return protocol.deliver(frame);
        } catch (RuntimeException e) {
            log.warn("the client's protocol failed on an inbound frame; delivering it", e);
            return true;
        }
    }

    void pong(Link l) {
        if (!machine.isCurrent(l) || l.heartbeat() == null) {
            return;
        }
        long now = scheduler.nanoTime();
        l.heartbeat().heard(now);
        for (Link.PingWaiter ping : l.pings) {
            ping.rtt().complete(Duration.ofNanos(now - ping.sentAtNanos()));
        }
        l.pings.clear();
    }

    /** Sends a ping now. */
    void ping(Link l) {
        l.connection().ping(NO_PAYLOAD.duplicate());
    }

    /** The client closed: receivers get what is left, then the closed exception. */
    void close(ClientClosedException closed) {
        if (mailbox != null) {
            mailbox.close(closed);
        }
    }

    private void demand(Link l) {
        if (l.claimDemand()) {
            l.connection().demand();
        }
    }

    private void resumeReading() {
        Link l = machine.currentLink();
        if (l != null && l.unpause()) {
            l.heartbeat().heard(scheduler.nanoTime());
            demand(l);
        }
    }

    private void scheduleHeartbeat(Link l, long now) {
        l.heartbeatTimer(machine.schedule(Duration.ofNanos(l.heartbeat().nanosUntilNextTick(now)), () -> heartbeatTick(l)));
    }

    private void heartbeatTick(Link l) {
        if (!machine.isCurrent(l)) {
            return;
        }
        long now = scheduler.nanoTime();
        if (l.isPaused()) {
            l.heartbeat().heard(now); // we stopped reading: the silence is ours, not the peer's
        }
        switch (l.heartbeat().tick(now)) {
            case DEAD -> {
                machine.dropped(l, new ConnectionLostException(l.url, CloseStatus.HEARTBEAT_TIMEOUT,
                        "no pong or other frame from " + l.url + " within " + options.pongTimeout(), null));
                return;
            }
            case PING -> ping(l);
            case NONE -> {
            }
        }
        scheduleHeartbeat(l, now);
    }
}
