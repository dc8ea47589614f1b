package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wshub.Message;
import io.wshub.Positioned;
import io.wshub.spi.Broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The private messages of the sessions this node took over, on their way here (docs/scaling.md,
 * "A session on its way to another node"). From the take-over until the session is open here,
 * Redis keeps every positioned private message sent to it, and those the node it left took in but
 * wrote too late (takeover.lua, mail.lua, inbox.lua): published at once they could reach this node
 * before the session, and be dropped. Once it is open, {@link #opened} ends the keeping and takes
 * what was kept, in one script (arrived.lua). What Redis publishes to this node after that script
 * waits here ({@link #hold}) until what it took is delivered, so the session gets its messages in
 * the order Redis took them.
 */
final class Arrivals {

    private final RedisLink link;
    private final Scripts scripts;
    private final Supplier<Broker.Delivery> delivery;
    private final ClusterSync timer;
    /** How long after a failed hand-over it is tried again. */
    private final Duration retryAfter;
    private final Consumer<String> failed;
    /** Session id → the messages published to it while what was kept for it is on its way here. */
    private final Map<String, List<Held>> waiting = new ConcurrentHashMap<>();

    Arrivals(RedisLink link, Scripts scripts, Supplier<Broker.Delivery> delivery, ClusterSync timer, Duration retryAfter,
             Consumer<String> failed) {
        this.link = link;
        this.scripts = scripts;
        this.delivery = delivery;
        this.timer = timer;
        this.retryAfter = retryAfter;
        this.failed = failed;
    }

    /**
     * The session taken over is open here and found: takes what Redis kept for it and delivers it,
     * never waiting. When Redis cannot be asked, tries again after {@code retryAfter}, for as long as
     * the session is here: what was kept stays in Redis meanwhile.
     */
    void opened(String sessionId) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            retry(sessionId, "not connected to Redis");
            return;
        }
        List<Held> held = new ArrayList<>();
        waiting.put(sessionId, held);
        RedisFuture<List<Object>> kept = scripts.run(redis, Scripts.Script.ARRIVED, List.of(Scripts.utf8(sessionId)));
        kept.whenComplete((messages, error) -> {
            deliver(sessionId, held, error == null ? messages : List.of());
            if (error != null) {
                retry(sessionId, error.toString());
            }
        });
    }

    /**
     * A positioned private message Redis published to this node (on the pub/sub thread): true when
     * it waits, to be delivered after what was kept for its session; false when it may be delivered now.
     */
    boolean hold(String sessionId, Positioned message, Map<String, String> trace) {
        List<Held> held = waiting.get(sessionId);
        if (held == null) {
            return false;
        }
        synchronized (held) {
            if (waiting.get(sessionId) != held) {
                return false; // delivered meanwhile: this one follows
            }
            held.add(new Held(message, trace));
            return true;
        }
    }

    private void deliver(String sessionId, List<Held> held, List<Object> kept) {
        Broker.Delivery d = delivery.get();
        synchronized (held) {
            for (Object sent : kept) {
                Positioned p = RoomLog.positioned(Message.utf8((byte[]) sent));
                if (p != null) { // sent positioned, so a JSON object: anything else was never the room protocol's
                    d.deliverPrivate(sessionId, p, null);
                }
            }
            for (Held h : held) {
                d.deliverPrivate(sessionId, h.message, h.trace);
            }
            waiting.remove(sessionId, held);
        }
    }

    private void retry(String sessionId, String cause) {
        failed.accept("private messages kept for session " + sessionId + " while it moved here not taken: " + cause
                + "; trying again in " + retryAfter);
        timer.after(retryAfter, () -> {
            if (delivery.get().hasSession(sessionId)) {
                opened(sessionId);
            }
        });
    }

    private record Held(Positioned message, Map<String, String> trace) {
    }
}
